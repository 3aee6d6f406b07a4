"""NIK (Nomor Induk Kependudukan) and NIP (Nomor Induk Pegawai) rules.

NIK layout (16 digits): PP KK CC DDMMYY SSSS — province, regency/city,
kecamatan, birth date (women: day + 40), serial. NIP layout (18 digits):
YYYYMMDD birth, YYYYMM appointment, sex (1/2), serial.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

# ASCII digits only: \d would also accept other scripts' digits (e.g. Arabic-Indic), which int() reads.
_NIK_RE = re.compile(r"[0-9]{16}")
_NIP_RE = re.compile(r"[0-9]{18}")
# Used by the log filter: any run of exactly 16 digits could be a NIK.
NIK_IN_TEXT_RE = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")


@dataclass(frozen=True)
class NikInfo:
    region_prefix: str
    kecamatan_code: str
    birth_date: date
    female: bool


def parse_nik(value, *, today=None):
    """Check the structure of a NIK and decode it; raises ValidationError in Bahasa Indonesia."""
    nik = (value or "").strip()
    if not _NIK_RE.fullmatch(nik):
        raise ValidationError("NIK harus terdiri dari 16 digit angka.", code="nik_format")
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    if female:
        day -= 40
    today = today or date.today()
    # Two-digit year: 20yy unless that year is still to come, then 19yy. A date
    # later this year is refused below rather than read as a centenarian.
    year = 2000 + year2 if 2000 + year2 <= today.year else 1900 + year2
    try:
        birth = date(year, month, day)
    except ValueError:
        raise ValidationError("Tanggal lahir pada NIK (digit 7–12) tidak valid.", code="nik_birth_date") from None
    if birth > today:
        raise ValidationError("Tanggal lahir pada NIK berada di masa depan.", code="nik_birth_date")
    if nik[12:] == "0000":
        raise ValidationError("Nomor urut NIK (4 digit terakhir) tidak boleh 0000.", code="nik_serial")
    return NikInfo(region_prefix=nik[:4], kecamatan_code=nik[4:6], birth_date=birth, female=female)


def check_nik_for_city(value, city, *, today=None):
    """A NIK that may register in this city: valid, and of the city when the city requires it."""
    info = parse_nik(value, today=today)
    if city.residents_only_registration and info.region_prefix != city.nik_prefix:
        raise ValidationError(
            f"NIK ini bukan NIK penduduk {city.name} (harus diawali {city.nik_prefix}). "
            "Pendaftaran hanya untuk penduduk kota.",
            code="nik_not_resident",
        )
    return info


def check_nip(value, *, today=None):
    """A well-formed NIP (returned stripped); raises ValidationError in Bahasa Indonesia."""
    nip = (value or "").strip()
    if not _NIP_RE.fullmatch(nip):
        raise ValidationError("NIP harus terdiri dari 18 digit angka.", code="nip_format")
    try:
        birth = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
        appointed = date(int(nip[8:12]), int(nip[12:14]), 1)
    except ValueError:
        raise ValidationError("Tanggal lahir atau TMT pada NIP tidak valid.", code="nip_date") from None
    if birth > (today or date.today()) or appointed <= birth:
        raise ValidationError("Tanggal lahir atau TMT pada NIP tidak valid.", code="nip_date")
    if nip[14] not in "12":
        raise ValidationError("Digit jenis kelamin pada NIP (digit 15) harus 1 atau 2.", code="nip_sex")
    return nip


def mask_nik(nik):
    """1275********0001: enough to recognise, not enough to misuse."""
    if not nik or len(nik) != 16:
        return nik
    return f"{nik[:4]}{'*' * 8}{nik[-4:]}"
