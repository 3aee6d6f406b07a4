"""The five public services the portal presents (landing page, empty "my cases")."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Service:
    slug: str
    name: str
    title: str
    summary: str


SERVICES = (
    Service(
        "e-masyarakat",
        "e-Masyarakat",
        "Laporan warga",
        "Laporkan jalan rusak, banjir, sampah, lampu jalan mati atau keluhan pelayanan publik. "
        "Laporan langsung diteruskan ke OPD yang berwenang dan bisa Anda pantau sampai selesai.",
    ),
    Service(
        "e-perizinan",
        "e-Perizinan",
        "Perizinan online",
        "Ajukan izin usaha dan izin lainnya, unggah persyaratan, dan lacak setiap tahap "
        "beserta tenggat waktunya. Izin terbit dengan kode QR yang bisa diperiksa siapa saja.",
    ),
    Service(
        "e-dokter",
        "e-Dokter",
        "Pendaftaran rumah sakit & antrean",
        "Daftar rawat jalan di rumah sakit daerah tanpa antre di loket, pilih poli dan dokter, "
        "dan lihat nomor antrean serta perkiraan jam dilayani.",
    ),
    Service(
        "e-musrenbang",
        "e-Musrenbang",
        "Usulan pembangunan",
        "Usulkan pembangunan untuk kelurahan Anda dan ikuti perjalanannya dari musrenbang "
        "kelurahan, kecamatan, sampai kota dan anggaran yang membiayainya.",
    ),
    Service(
        "e-ra",
        "e-RA",
        "Perencanaan anggaran",
        "Anggaran kota disusun dengan harga standar yang terkunci dan setiap perubahan tercatat, "
        "sehingga publik dapat melihat ke mana uang daerah direncanakan.",
    ),
)
