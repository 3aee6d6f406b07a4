"""Loading a city profile (a JSON data file) into the database.

Loading is an upsert: running it again updates names, hours and holidays and
adds what is new, so a city's IT team can keep its profile in version control
and re-apply it. Rows that disappeared from the file are kept (cases may refer
to them) and reported, never silently deleted. The city remembers the
fingerprint of the file it last loaded (`is_loaded`), so a start-up script can
skip a load that would only undo what was changed in the admin since.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from cities.models import City, Holiday, Kecamatan, Kelurahan, Lingkungan, Opd, WorkingHours, forget_current_city
from kotacerdas.domains import load_profile_sections

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
WEEKDAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class ProfileError(Exception):
    pass


@dataclass
class LoadReport:
    city: City
    created: bool
    counts: dict = field(default_factory=dict)
    stale: list = field(default_factory=list)


def resolve_profile_path(name_or_path):
    """`binjai` → the shipped profile; anything else is a file path."""
    shipped = PROFILE_DIR / f"{name_or_path}.json"
    if shipped.exists():
        return shipped
    path = Path(name_or_path)
    if path.is_file():
        return path
    available = ", ".join(sorted(p.stem for p in PROFILE_DIR.glob("*.json")))
    raise ProfileError(f"Profil '{name_or_path}' tidak ditemukan (tersedia: {available}, atau path ke berkas JSON).")


def read_profile(path):
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ProfileError(f"{path}: JSON tidak valid: {exc}") from None
    for key in (
        "slug",
        "name",
        "province",
        "region_code",
        "nik_prefix",
        "time_zone",
        "centre",
        "bbox",
        "kecamatan",
        "opds",
    ):
        if key not in data:
            raise ProfileError(f"{path}: kolom '{key}' wajib ada.")
    if not (len(data["nik_prefix"]) == 4 and data["nik_prefix"].isdigit()):
        raise ProfileError(f"{path}: nik_prefix harus 4 digit.")
    return data


def fingerprint(data):
    """SHA-256 of the profile's content (key order and whitespace do not count)."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def is_loaded(data):
    """Whether exactly this profile is the one last loaded for its city."""
    return City.objects.filter(slug=data["slug"], profile_sha256=fingerprint(data)).exists()


@transaction.atomic
def load_profile(data):
    city, created = City.objects.update_or_create(
        slug=data["slug"],
        defaults=dict(
            name=data["name"],
            province=data["province"],
            region_code=data["region_code"],
            nik_prefix=data["nik_prefix"],
            time_zone=data["time_zone"],
            centre_lat=data["centre"][0],
            centre_lon=data["centre"][1],
            bbox=data["bbox"],
            boundary=data.get("boundary"),
            residents_only_registration=data.get("registration", {}).get("residents_only", True),
        ),
    )
    try:
        city.full_clean()
    except ValidationError as exc:
        raise ProfileError(f"Profil {data['slug']} tidak valid: {exc.message_dict}") from None
    report = LoadReport(city=city, created=created)
    _load_regions(city, data["kecamatan"], report)
    _load_opds(city, data["opds"], report)
    _load_calendar(city, data.get("working_hours", {}), data.get("holidays", []), report)
    try:
        report.counts.update(load_profile_sections(city, data))
    except ValidationError as exc:
        raise ProfileError(" ".join(exc.messages)) from None
    City.objects.filter(pk=city.pk).update(profile_sha256=fingerprint(data))
    transaction.on_commit(forget_current_city)
    return report


def _load_regions(city, kecamatan_list, report):
    seen_kecamatan, seen_kelurahan = set(), set()
    for item in kecamatan_list:
        kecamatan, _ = Kecamatan.objects.get_or_create(city=city, name=item["name"])
        seen_kecamatan.add(kecamatan.pk)
        for entry in item["kelurahan"]:
            # A kelurahan is a name, or {"name": ..., "lingkungan": [...]}.
            name = entry if isinstance(entry, str) else entry["name"]
            kelurahan, _ = Kelurahan.objects.get_or_create(kecamatan=kecamatan, name=name)
            seen_kelurahan.add(kelurahan.pk)
            for lingkungan in [] if isinstance(entry, str) else entry.get("lingkungan", []):
                Lingkungan.objects.get_or_create(kelurahan=kelurahan, name=lingkungan)
    report.counts["kecamatan"] = len(seen_kecamatan)
    report.counts["kelurahan"] = len(seen_kelurahan)
    report.counts["lingkungan"] = Lingkungan.objects.filter(kelurahan__kecamatan__city=city).count()
    report.stale += [f"kecamatan {k}" for k in city.kecamatan.exclude(pk__in=seen_kecamatan)]
    report.stale += [
        f"kelurahan {k}" for k in Kelurahan.objects.filter(kecamatan__city=city).exclude(pk__in=seen_kelurahan)
    ]


def _load_opds(city, opd_list, report):
    codes = set()
    for item in opd_list:
        kecamatan = None
        if item.get("kecamatan"):
            kecamatan = Kecamatan.objects.filter(city=city, name=item["kecamatan"]).first()
            if kecamatan is None:
                raise ProfileError(f"OPD {item['code']}: kecamatan '{item['kecamatan']}' tidak ada di profil.")
        opd, _ = Opd.objects.update_or_create(
            city=city,
            code=item["code"],
            defaults=dict(
                name=item["name"],
                short_name=item["short_name"],
                functions=item.get("functions", []),
                kecamatan=kecamatan,
            ),
        )
        try:
            opd.full_clean()
        except ValidationError as exc:
            raise ProfileError(f"OPD {item['code']}: {exc.message_dict}") from None
        codes.add(item["code"])
    report.counts["opd"] = len(codes)
    report.stale += [f"OPD {o.code}" for o in city.opds.exclude(code__in=codes)]


def _load_calendar(city, working_hours, holidays, report):
    for index, key in enumerate(WEEKDAY_KEYS):
        if key in working_hours:
            opens, closes = (time.fromisoformat(t) for t in working_hours[key])
            if closes <= opens:
                raise ProfileError(f"Jam kerja {key}: jam tutup harus setelah jam buka.")
            WorkingHours.objects.update_or_create(city=city, weekday=index, defaults={"opens": opens, "closes": closes})
        else:
            WorkingHours.objects.filter(city=city, weekday=index).delete()
    if not working_hours:
        raise ProfileError("Profil harus memiliki jam kerja (working_hours).")
    for item in holidays:
        Holiday.objects.update_or_create(
            city=city, date=date.fromisoformat(item["date"]), defaults={"name": item["name"]}
        )
    report.counts["hari libur"] = city.holidays.count()
