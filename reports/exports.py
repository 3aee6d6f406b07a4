"""e-Masyarakat's side of the domain contract (kotacerdas/domains.py)."""

from django.core.exceptions import ValidationError
from django.urls import reverse

from kotacerdas.domains import CaseSummary
from reports.models import Category, CategoryRouting, Report

CASES_SHOWN = 50
ATTRIBUTE_TYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


def citizen_cases(user):
    reports = Report.objects.filter(owner=user).select_related("category").order_by("-updated_at")[:CASES_SHOWN]
    return [
        CaseSummary(
            service="e-Masyarakat",
            number=report.number,
            title=report.category.name,
            status=report.get_status_display(),
            updated_at=report.updated_at,
            url=reverse("reports:mine_detail", args=[report.number]),
        )
        for report in reports
    ]


def load_profile_section(city, data):
    """Upsert the city's report categories and their per-kecamatan routing."""
    codes = set()
    for item in data.get("categories", []):
        opd = _opd(city, item["opd"], item["code"])
        _check_attributes(item)
        category, _ = Category.objects.update_or_create(
            city=city,
            code=item["code"],
            defaults={
                "name": item["name"],
                "description": item["description"],
                "group": item["group"],
                "keywords": item.get("keywords", ""),
                "opd": opd,
                "resolution_days": item["resolution_days"],
                "attributes": item.get("attributes", []),
                "active": item.get("active", True),
            },
        )
        routing = item.get("routing", {})
        category.routing.exclude(kecamatan__name__in=routing).delete()
        for kecamatan_name, opd_code in routing.items():
            kecamatan = city.kecamatan.filter(name=kecamatan_name).first()
            if kecamatan is None:
                raise ValidationError(f"Kategori {item['code']}: kecamatan '{kecamatan_name}' tidak ada di profil.")
            CategoryRouting.objects.update_or_create(
                category=category, kecamatan=kecamatan, defaults={"opd": _opd(city, opd_code, item["code"])}
            )
        codes.add(item["code"])
    return {"kategori laporan": len(codes)}


def _opd(city, code, category_code):
    opd = city.opds.filter(code=code).first()
    if opd is None:
        raise ValidationError(f"Kategori {category_code}: OPD '{code}' tidak ada di profil.")
    return opd


def _check_attributes(item):
    for attribute in item.get("attributes", []):
        if attribute.get("datatype") not in ATTRIBUTE_TYPES:
            raise ValidationError(f"Kategori {item['code']}: tipe atribut '{attribute.get('datatype')}' tidak dikenal.")
