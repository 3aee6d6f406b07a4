"""e-Masyarakat demo data for Binjai: about thirty reports at every stage, so each page has something to show.

Every report goes through reports.actions like a real one (tracking number, audit events,
clocks, notifications, photos), played by the demo users of accounts.demo: the Command
Center operator verifies and routes, the OPD's demo officer follows up, the reporter rates.
Afterwards the report's own dates and its live deadline clocks are set back to when the
story says it happened, so lists, queues and the Command Center look like weeks of use: one
report is near its verification deadline, one is past its resolution deadline. The audit trail
is never rewritten: its events carry the moment the demo was loaded.

Idempotent: a demo report is recognised by its description and is not filed twice.
The photos are drawn on the spot with Pillow and captioned as examples. The other demo
reporters have no password (they cannot log in); Rina, the demo citizen, can, and finds
her own reports in every state, one of them resolved and waiting for her rating.
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import timedelta
from io import BytesIO

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from accounts.demo import DEMO_CITIZEN_NAME, demo_nik, demo_nip
from accounts.models import Role, User
from accounts.nik import check_nik_for_city
from cities.models import Kelurahan
from deadlines import clock
from deadlines.clock import NEAR_FRACTION
from deadlines.scanner import scan
from reports import actions
from reports.models import Report, Status

RINA = DEMO_CITIZEN_NAME
# Reporters besides Rina: (name, NIK serial part after the city prefix: kecamatan, birth date (+40 for women), serial).
OTHER_REPORTERS = {
    "Ahmad Fauzi": "021403860101",
    "Sri Wahyuni": "036107790102",
    "Joko Susilo": "040511700103",
    "Andini Putri": "014902980104",
    "Fitri Handayani": "057012880105",
}

# Approximate centres of the kelurahan used below (WGS84), inside the city boundary.
KELURAHAN_SPOTS = {
    "Tangsi": (3.6005, 98.4858),
    "Kartini": (3.6031, 98.4902),
    "Pekan Binjai": (3.6062, 98.4871),
    "Setia": (3.5991, 98.4921),
    "Berngam": (3.6083, 98.4829),
    "Satria": (3.5968, 98.4884),
    "Binjai": (3.6042, 98.4951),
    "Jati Negara": (3.6203, 98.4917),
    "Kebun Lada": (3.6331, 98.4852),
    "Damai": (3.6152, 98.4869),
    "Nangka": (3.6121, 98.4963),
    "Pahlawan": (3.6179, 98.4801),
    "Cengkeh Turi": (3.6402, 98.4931),
    "Mencirim": (3.6260, 98.5080),
    "Tunggurono": (3.6004, 98.5103),
    "Timbang Langkat": (3.5902, 98.5049),
    "Tanah Tinggi": (3.6091, 98.5022),
    "Sumber Karya": (3.5951, 98.5198),
    "Sumber Mulyorejo": (3.6102, 98.5201),
    "Tanah Merah": (3.5701, 98.4803),
    "Rambung Dalam": (3.5853, 98.4822),
    "Rambung Barat": (3.5832, 98.4702),
    "Bhakti Karya": (3.5652, 98.4898),
    "Limau Sundai": (3.5981, 98.4702),
    "Suka Maju": (3.6049, 98.4651),
    "Bandar Senembah": (3.5879, 98.4652),
    "Limau Mungkur": (3.5921, 98.4553),
    "Paya Roba": (3.6101, 98.4603),
}

# How far a demo report got. Side exits leave the pipeline; "reopened" is resolved, then reopened.
PIPELINE = [Status.VERIFIED, Status.DISPOSITIONED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED]
NEAR_DEADLINE = "near"
PAST_DEADLINE = "breached"

# Typical delays of the Command Center and of the OPD after the report comes in.
VERIFIED_AFTER = timedelta(hours=3)
DISPOSITIONED_AFTER = timedelta(hours=5)
STARTED_AFTER = timedelta(hours=20)
RATED_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class DemoReport:
    reporter: str
    category: str
    kelurahan: str
    description: str
    outcome: str  # a Status the story ends in, or "reopened"
    days_ago: float  # when it was filed; a report near its deadline is dated by its clock instead
    address: str = ""
    anonymous: bool = False
    attributes: dict = field(default_factory=dict)
    resolved_days_ago: float | None = None
    plan: str = "Petugas akan meninjau lokasi dan menjadwalkan penanganan."
    response: str = "Sudah ditangani petugas di lokasi."
    reason: str = ""
    rating: int | None = None
    comment: str = ""
    duplicate_of: str = ""  # description of the original
    supporters: tuple = ()
    public_reply: str = ""
    internal_note: str = ""
    deadline: str = ""


BINJAI = [
    DemoReport(
        RINA,
        "lampu-jalan",
        "Kartini",
        "Lampu penerangan jalan di Jl. Kartini dekat simpang masjid padam sudah seminggu. Malam hari gelap "
        "sekali dan rawan bagi pengendara motor.",
        outcome=Status.CLOSED,
        days_ago=20,
        address="Jl. Kartini, dekat simpang masjid",
        resolved_days_ago=17,
        plan="Penggantian lampu PJU dijadwalkan bersama regu pemeliharaan Dishub.",
        response="Lampu PJU sudah diganti dengan lampu LED baru dan menyala normal.",
        rating=4,
        comment="Lampu sudah menyala, terima kasih. Agak lama tapi beres.",
    ),
    DemoReport(
        RINA,
        "jalan-rusak",
        "Tangsi",
        "Jalan berlubang besar di Jl. Tangsi depan SD Negeri, lebar kira-kira satu meter. Sudah dua kali ada "
        "pengendara motor jatuh saat hujan karena lubangnya tergenang.",
        outcome=Status.RESOLVED,
        days_ago=9,
        attributes={"tingkat_kerusakan": "berat"},
        resolved_days_ago=2,
        plan="Penambalan lubang dengan aspal hotmix dijadwalkan minggu ini.",
        response="Lubang sudah ditambal dengan aspal hotmix dan dipadatkan.",
    ),
    DemoReport(
        RINA,
        "drainase",
        "Damai",
        "Parit di sepanjang gang samping pasar di Kelurahan Damai tersumbat sampah dan lumpur. Air meluap ke "
        "jalan setiap kali hujan deras.",
        outcome=Status.IN_PROGRESS,
        days_ago=4,
        address="Gang samping pasar, Kel. Damai",
        plan="Normalisasi parit oleh tim UPT drainase, dimulai Senin.",
        supporters=("Ahmad Fauzi",),
        public_reply="Tim kami sudah meninjau lokasi; pengerukan butuh dua hari kerja.",
        internal_note="Perlu truk pengangkut lumpur dari UPT; sudah diminta ke Kasi Pemeliharaan.",
    ),
    DemoReport(
        RINA,
        "sampah",
        "Mencirim",
        "Sampah di TPS dekat jembatan Mencirim tidak diangkut sejak Jumat. Baunya menyengat dan mulai "
        "berserakan ke badan jalan.",
        outcome=Status.RECEIVED,
        days_ago=0.3,
    ),
    DemoReport(
        "Ahmad Fauzi",
        "ketertiban-umum",
        "Pekan Binjai",
        "Pedagang kaki lima menutup trotoar di depan pertokoan Jl. Sudirman sehingga pejalan kaki terpaksa "
        "berjalan di badan jalan.",
        outcome=Status.RECEIVED,
        days_ago=0,
        address="Jl. Sudirman, depan pertokoan",
        deadline=NEAR_DEADLINE,
    ),
    DemoReport(
        "Sri Wahyuni",
        "sampah",
        "Tanah Tinggi",
        "Tumpukan sampah liar di lahan kosong samping perumahan Tanah Tinggi makin tinggi, sudah menutup "
        "sebagian jalan lingkungan.",
        outcome=Status.IN_PROGRESS,
        days_ago=12,
        plan="Pengangkutan dengan truk sampah dan pemasangan papan larangan membuang sampah.",
        deadline=PAST_DEADLINE,
    ),
    DemoReport(
        "Joko Susilo",
        "layanan-perizinan",
        "Setia",
        "Pelayanan izin lambat sekali.",
        outcome=Status.REJECTED,
        days_ago=6,
        reason="Laporan belum memuat keterangan yang dapat diverifikasi (jenis izin, tanggal pengajuan). "
        "Silakan kirim ulang dengan keterangan lengkap.",
    ),
    DemoReport(
        "Sri Wahyuni",
        "jalan-rusak",
        "Jati Negara",
        "Aspal Jl. Jati Negara mengelupas dan bergelombang sepanjang kira-kira 50 meter dari simpang sekolah. "
        "Mobil harus berjalan sangat pelan.",
        outcome=Status.IN_PROGRESS,
        days_ago=5,
        attributes={"tingkat_kerusakan": "sedang"},
        plan="Pengaspalan ulang ruas 50 meter masuk jadwal pemeliharaan rutin bulan ini.",
        supporters=("Andini Putri", "Fitri Handayani"),
    ),
    DemoReport(
        "Joko Susilo",
        "jalan-rusak",
        "Jati Negara",
        "Jalan rusak bergelombang dekat simpang sekolah Jati Negara, aspalnya terkelupas.",
        outcome=Status.DUPLICATE,
        days_ago=3,
        attributes={"tingkat_kerusakan": "sedang"},
        duplicate_of="Aspal Jl. Jati Negara mengelupas dan bergelombang sepanjang kira-kira 50 meter dari simpang "
        "sekolah. Mobil harus berjalan sangat pelan.",
    ),
    DemoReport(
        "Andini Putri",
        "layanan-kesehatan",
        "Kebun Lada",
        "Di puskesmas pasien BPJS diminta membayar biaya tambahan untuk obat yang seharusnya ditanggung. "
        "Saya tidak ingin nama saya diketahui.",
        outcome=Status.DISPOSITIONED,
        days_ago=2,
        anonymous=True,
    ),
    DemoReport(
        "Ahmad Fauzi",
        "jalan-rusak",
        "Timbang Langkat",
        "Jalan lintas di Jl. Soekarno-Hatta arah Medan berlubang di beberapa titik, banyak truk melintas.",
        outcome=Status.NOT_AUTHORITY,
        days_ago=5,
        attributes={"tingkat_kerusakan": "berat"},
        reason="Ruas ini jalan nasional, kewenangan Balai Besar Pelaksanaan Jalan Nasional Sumatera Utara. "
        "Laporan sudah kami teruskan ke BBPJN.",
    ),
    DemoReport(
        "Fitri Handayani",
        "pohon-tumbang",
        "Rambung Dalam",
        "Dahan besar pohon mahoni di tepi Jl. Rambung Dalam retak dan menggantung di atas jalan, rawan patah "
        "kalau angin kencang.",
        outcome=Status.VERIFIED,
        days_ago=0.5,
    ),
    DemoReport(
        "Fitri Handayani",
        "lampu-jalan",
        "Limau Sundai",
        "Tiga lampu jalan berturut-turut di Jl. Limau Sundai mati, jalan jadi gelap total dari magrib.",
        outcome=Status.DISPOSITIONED,
        days_ago=1.5,
    ),
    DemoReport(
        "Ahmad Fauzi",
        "pohon-tumbang",
        "Suka Maju",
        "Pohon tumbang melintang di jalan lingkungan Suka Maju setelah hujan angin semalam, mobil tidak bisa lewat.",
        outcome=Status.RESOLVED,
        days_ago=6,
        resolved_days_ago=4,
        plan="Tim reaksi cepat DLH dikirim untuk memotong dan mengangkut batang pohon.",
        response="Batang pohon sudah dipotong dan diangkut; jalan bisa dilalui kembali.",
    ),
    DemoReport(
        "Sri Wahyuni",
        "drainase",
        "Bhakti Karya",
        "Gorong-gorong di depan kantor lurah Bhakti Karya ambruk sehingga air parit tidak mengalir.",
        outcome=Status.CLOSED,
        days_ago=30,
        resolved_days_ago=25,
        plan="Penggantian gorong-gorong beton.",
        response="Gorong-gorong sudah diganti dengan box culvert baru.",
        rating=5,
        comment="Cepat dan rapi. Terima kasih Dinas PUPR.",
    ),
    DemoReport(
        "Joko Susilo",
        "sampah",
        "Pahlawan",
        "TPS di Jl. Pahlawan penuh dan sampah meluber ke jalan, sudah tiga hari tidak diangkut.",
        outcome=Status.CLOSED,
        days_ago=25,
        resolved_days_ago=22,
        plan="Penambahan ritase truk sampah untuk TPS Pahlawan.",
        response="Sampah sudah diangkut seluruhnya dan jadwal angkut ditambah menjadi setiap hari.",
        rating=3,
        comment="Sudah diangkut, tapi TPS penuh lagi tiga hari kemudian.",
    ),
    DemoReport(
        "Andini Putri",
        "parkir-liar",
        "Binjai",
        "Parkir liar di depan Pasar Tavip memakan separuh jalan dan ada juru parkir tanpa karcis resmi.",
        outcome=Status.CLOSED,
        days_ago=18,
        address="Depan Pasar Tavip",
        resolved_days_ago=16,
        plan="Penertiban bersama Satpol PP dan pemasangan rambu dilarang parkir.",
        response="Sudah ditertibkan dan rambu dilarang parkir dipasang; juru parkir liar diberi pembinaan.",
        rating=4,
    ),
    DemoReport(
        "Fitri Handayani",
        "banjir",
        "Tanah Merah",
        "Genangan air setinggi lutut di jalan utama Tanah Merah setiap hujan lebih dari satu jam.",
        outcome=Status.CLOSED,
        days_ago=40,
        resolved_days_ago=38,
        plan="Pemompaan genangan dan pembersihan saluran pembuangan.",
        response="Genangan sudah dipompa dan saluran pembuangan dibersihkan.",
        rating=5,
    ),
    DemoReport(
        "Ahmad Fauzi",
        "kebersihan-lingkungan",
        "Rambung Barat",
        "Lingkungan gang di Rambung Barat kumuh, banyak sampah dan semak yang menjadi sarang nyamuk.",
        outcome=Status.CLOSED,
        days_ago=14,
        resolved_days_ago=10,
        plan="Gotong royong bersama warga dan petugas kecamatan hari Minggu.",
        response="Gotong royong sudah dilaksanakan, semak dibersihkan dan sampah diangkut.",
        rating=4,
    ),
    DemoReport(
        "Joko Susilo",
        "layanan-kependudukan",
        "Nangka",
        "KTP-el saya belum jadi padahal sudah rekam data tiga bulan lalu, setiap ditanya jawabnya blangko habis.",
        outcome=Status.IN_PROGRESS,
        days_ago=3,
        plan="Pengecekan status perekaman dan jadwal pencetakan KTP-el pelapor.",
    ),
    DemoReport(
        "Andini Putri",
        "kebersihan-lingkungan",
        "Sumber Karya",
        "Saluran dan pinggir jalan di lingkungan Sumber Karya penuh sampah plastik, perlu gotong royong.",
        outcome=Status.DISPOSITIONED,
        days_ago=1,
    ),
    DemoReport(
        "Fitri Handayani",
        "parkir-liar",
        "Berngam",
        "Mobil parkir di trotoar depan sekolah di Berngam setiap pagi, anak-anak berjalan di badan jalan.",
        outcome=Status.RECEIVED,
        days_ago=0.6,
    ),
    DemoReport(
        "Sri Wahyuni",
        "drainase",
        "Paya Roba",
        "Parit di Jl. Paya Roba dangkal penuh endapan, air menggenang dan berbau.",
        outcome=Status.VERIFIED,
        days_ago=0.8,
    ),
    DemoReport(
        "Andini Putri",
        "lampu-jalan",
        "Cengkeh Turi",
        "Lampu jalan di Jl. Cengkeh Turi dekat masjid mati lagi.",
        outcome="reopened",
        days_ago=10,
        resolved_days_ago=3,
        plan="Pemeriksaan instalasi listrik lampu PJU.",
        response="Lampu sudah diperbaiki dan menyala.",
        reason="Lampu hanya menyala satu malam, lalu padam lagi.",
    ),
    DemoReport(
        "Joko Susilo",
        "banjir",
        "Sumber Mulyorejo",
        "Air sungai meluap ke permukiman di Sumber Mulyorejo setelah hujan semalaman, beberapa rumah tergenang.",
        outcome=Status.RESOLVED,
        days_ago=5,
        resolved_days_ago=1,
        plan="Tim BPBD dikirim untuk evakuasi barang warga dan pemompaan.",
        response="Genangan sudah surut; tanggul darurat karung pasir dipasang di titik luapan.",
    ),
    DemoReport(
        "Fitri Handayani",
        "ketertiban-umum",
        "Satria",
        "Suara musik keras dari kafe di Jl. Satria sampai lewat tengah malam hampir setiap hari.",
        outcome=Status.IN_PROGRESS,
        days_ago=2,
        plan="Peninjauan oleh Satpol PP dan pemanggilan pengelola kafe.",
    ),
    DemoReport(
        "Ahmad Fauzi",
        "layanan-kesehatan",
        "Tunggurono",
        "Antrean di puskesmas Tunggurono sangat panjang, loket baru buka jam sembilan padahal jadwalnya jam "
        "tujuh tiga puluh.",
        outcome=Status.CLOSED,
        days_ago=12,
        resolved_days_ago=9,
        plan="Klarifikasi jadwal layanan dengan kepala puskesmas.",
        response="Kepala puskesmas sudah diingatkan; loket dibuka tepat 07.30 dan antrean daring disiapkan.",
        rating=2,
        comment="Antrean masih panjang, semoga antrean daringnya segera jalan.",
    ),
    DemoReport(
        "Ahmad Fauzi",
        "jalan-rusak",
        "Bandar Senembah",
        "Ada retakan memanjang di aspal Jl. Bandar Senembah dekat jembatan, belum berlubang tapi makin lebar.",
        outcome=Status.RECEIVED,
        days_ago=1.2,
        attributes={"tingkat_kerusakan": "ringan"},
    ),
    DemoReport(
        "Sri Wahyuni",
        "layanan-perizinan",
        "Limau Mungkur",
        "Pengajuan izin usaha mikro saya lewat OSS sudah dua minggu belum ada kabar dari DPMPTSP.",
        outcome=Status.DISPOSITIONED,
        days_ago=1,
    ),
    DemoReport(
        "Joko Susilo",
        "pohon-tumbang",
        "Sumber Karya",
        "Pohon asam tua di pinggir jalan Sumber Karya miring ke arah kabel listrik.",
        outcome=Status.IN_PROGRESS,
        days_ago=1.5,
        plan="Pemangkasan pohon berkoordinasi dengan PLN.",
    ),
    DemoReport(
        "Andini Putri",
        "sampah",
        "Setia",
        "Bak sampah di Jl. Setia rusak, sampah diacak-acak anjing liar setiap malam.",
        outcome=Status.CLOSED,
        days_ago=16,
        resolved_days_ago=13,
        plan="Penggantian bak sampah dengan kontainer tertutup.",
        response="Bak sampah sudah diganti dengan kontainer tertutup.",
        rating=5,
        comment="Mantap, sekarang bersih.",
    ),
]

DEMO_REPORTS = {"binjai": BINJAI}

GROUP_TINTS = {
    "Infrastruktur": (96, 96, 100),
    "Kebersihan": (112, 98, 72),
    "Bencana": (70, 98, 122),
    "Ketertiban": (124, 104, 92),
    "Pelayanan publik": (188, 186, 176),
}


@dataclass
class DemoCast:
    coordinator: User
    reporters: dict

    @staticmethod
    def officer(opd):
        return User.objects.get(login_id=demo_nip(opd, Role.OFFICER))


def load_demo_reports(city, now=None):
    """File the city's demo reports that are not there yet; returns (filed, already there).

    Needs the demo users of accounts.demo (load_demo creates them first).
    """
    items = DEMO_REPORTS.get(city.slug, [])
    if not items:
        return 0, 0
    now = now or timezone.now()
    cast = _cast(city)
    filed = 0
    for index, item in enumerate(items):
        if Report.objects.filter(city=city, description=item.description).exists():
            continue
        with transaction.atomic():
            report = _file(city, item, index, cast)
            _advance(report, item, cast, city)
            _set_back(report, item, city, now)
        filed += 1
    scan(now)  # flag the near and past deadlines now, as the worker's next scan would
    return filed, len(items) - filed


def _cast(city):
    host = city.opd_with_function("kominfo")
    reporters = {RINA: User.objects.get(login_id=demo_nik(city))}
    for name, rest in OTHER_REPORTERS.items():
        nik = f"{city.nik_prefix}{rest}"
        check_nik_for_city(nik, city)
        user = User.objects.filter(login_id=nik).first()
        if user is None:
            user = User.objects.create(
                login_id=nik, kind=User.Kind.CITIZEN, full_name=name, password=make_password(None)
            )
        reporters[name] = user
    return DemoCast(coordinator=User.objects.get(login_id=demo_nip(host, Role.BCC_OPERATOR)), reporters=reporters)


def _file(city, item, index, cast):
    kelurahan = Kelurahan.objects.get(kecamatan__city=city, name=item.kelurahan)
    lat, lon = _spot(item, index)
    category = city.report_categories.get(code=item.category)
    report = actions.do_submit_report(
        reporter=cast.reporters[item.reporter],
        category_code=item.category,
        description=item.description,
        kelurahan_id=kelurahan.pk,
        lat=lat,
        lon=lon,
        address=item.address,
        photos=[demo_photo(f"laporan-{index}", category, before=True)],
        anonymous=item.anonymous,
        attributes=item.attributes,
    )
    actions.receive_submissions()  # as the worker does moments after a submission
    report.refresh_from_db()
    return report


def _spot(item, index):
    """The kelurahan's centre, moved a little (up to ~250 m) so that reports do not sit on one point."""
    lat, lon = KELURAHAN_SPOTS[item.kelurahan]
    rng = random.Random(index)
    return round(lat + rng.uniform(-0.002, 0.002), 6), round(lon + rng.uniform(-0.002, 0.002), 6)


def _advance(report, item, cast, city):
    coordinator, reporter = cast.coordinator, cast.reporters[item.reporter]
    if item.outcome == Status.REJECTED:
        actions.do_reject(coordinator, report, item.reason)
        return
    if item.outcome == Status.NOT_AUTHORITY:
        actions.do_mark_not_authority(coordinator, report, item.reason)
        return
    if item.outcome == Status.DUPLICATE:
        original = Report.objects.get(city=city, description=item.duplicate_of)
        actions.do_merge_duplicate(coordinator, report, original)
        return
    goal = Status.RESOLVED if item.outcome == "reopened" else item.outcome
    steps = PIPELINE[: PIPELINE.index(goal) + 1] if goal != Status.RECEIVED else []
    for step in steps:
        if step == Status.VERIFIED:
            actions.do_verify(coordinator, report)
            for name in item.supporters:
                actions.do_support(cast.reporters[name], report)
        elif step == Status.DISPOSITIONED:
            actions.do_disposition(coordinator, report)
        elif step == Status.IN_PROGRESS:
            officer = cast.officer(report.opd)
            actions.do_start_work(officer, report, item.plan)
            if item.public_reply:
                actions.do_add_note(officer, report, item.public_reply, public=True)
            if item.internal_note:
                actions.do_add_note(officer, report, item.internal_note, public=False)
        elif step == Status.RESOLVED:
            category = report.category
            proof = demo_photo(f"bukti-{report.pk}", category, before=False)
            actions.do_resolve(cast.officer(report.opd), report, item.response, [proof])
        elif step == Status.CLOSED:
            actions.do_rate(reporter, report, item.rating, item.comment)
    if item.outcome == "reopened":
        actions.do_reopen(reporter, report, item.reason)


def _set_back(report, item, city, now):
    """Date the report and its live clocks to when the story says things happened."""
    calendar = city.calendar()
    report.refresh_from_db()
    live = list(clock.live_deadlines_for(report))
    if item.deadline == NEAR_DEADLINE:
        # Filed long enough ago that most of its clock's working time has gone.
        created = _moment_before(calendar, now, live[0].allowed_seconds * 0.85)
    else:
        created = now - timedelta(days=item.days_ago)
    moments = {"created_at": created}
    if report.verified_at:
        moments["verified_at"] = created + VERIFIED_AFTER
    if report.dispositioned_at:
        moments["dispositioned_at"] = created + DISPOSITIONED_AFTER
    if report.resolved_at:
        moments["resolved_at"] = now - timedelta(days=item.resolved_days_ago)
    if report.closed_at:
        moments["closed_at"] = moments["resolved_at"] + RATED_AFTER
    last = max(moments.values())
    if report.status == Status.IN_PROGRESS:
        last = min(moments["dispositioned_at"] + STARTED_AFTER, now)
    elif report.status == Status.REOPENED:
        last = moments["resolved_at"] + RATED_AFTER
    moments["updated_at"] = last
    Report.objects.filter(pk=report.pk).update(**moments)
    for deadline in live:
        # Verification counts from submission; the OPD's clocks from disposition (or from the reopening).
        if deadline.kind == actions.CLOCK_VERIFY:
            start = created
        elif report.status == Status.REOPENED:
            start = last
        else:
            start = moments["dispositioned_at"]
        deadline.started_at = start
        deadline.due_at = calendar.add_working_seconds(start, deadline.allowed_seconds)
        deadline.near_at = calendar.add_working_seconds(start, round(deadline.allowed_seconds * NEAR_FRACTION))
        deadline.save(update_fields=["started_at", "due_at", "near_at"])
    # The work queue sorts on the report's copy of its nearest due moment.
    report.refresh_due_at()


def _moment_before(calendar, now, working_seconds):
    """The moment from which `working_seconds` of working time have passed by `now` (bisection, to the minute)."""
    earliest, latest = now - timedelta(days=60), now
    while latest - earliest > timedelta(minutes=1):
        middle = earliest + (latest - earliest) / 2
        if calendar.working_seconds_between(middle, now) > working_seconds:
            earliest = middle
        else:
            latest = middle
    return latest


def demo_photo(name, category, *, before):
    """A drawn example photo: the category's colour, a shape for the problem (or its repair), a caption."""
    seed = int(hashlib.sha256(f"{name}:{category.code}".encode()).hexdigest()[:8], 16)
    rng = random.Random(seed)
    tint = GROUP_TINTS.get(category.group, (128, 128, 128))
    image = Image.new("RGB", (960, 720), tint)
    draw = ImageDraw.Draw(image)
    for _ in range(40):  # texture, so the photo is not one flat colour
        x, y, size = rng.randrange(960), rng.randrange(640), rng.randrange(8, 60)
        shade = tuple(max(0, min(255, c + rng.randint(-25, 25))) for c in tint)
        draw.ellipse((x, y, x + size, y + size // 2), fill=shade)
    if before:
        x, y = rng.randrange(200, 600), rng.randrange(200, 400)
        draw.ellipse((x, y, x + 260, y + 150), fill=tuple(c // 3 for c in tint), outline=(30, 30, 30), width=6)
    else:
        draw.rectangle((180, 260, 780, 420), fill=tuple(min(255, c + 60) for c in tint))
    draw.rectangle((0, 640, 960, 720), fill=(20, 20, 20))
    caption = f"Foto contoh: {category.name} ({'laporan' if before else 'sesudah ditangani'})"
    draw.text((24, 662), caption, fill=(255, 255, 255), font=ImageFont.load_default(size=30))
    out = BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile(f"{name}.jpg", out.getvalue(), content_type="image/jpeg")
