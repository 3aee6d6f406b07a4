"""e-Perizinan's side of the domain contract (kotacerdas/domains.py)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from kotacerdas.domains import CaseSummary
from permits.links import applicant_url
from permits.models import Application, PermitType

CASES_SHOWN = 50
ITEM_KEYS = {
    "code",
    "name",
    "short_name",
    "group",
    "legal_basis",
    "description",
    "issuing_opd",
    "technical_opd",
    "applicant_kind",
    "form_fields",
    "required_documents",
    "fee",
    "steps",
    "validity_months",
    "certificate_title",
    "certificate_fields",
    "online",
    "active",
}
REQUIRED_KEYS = {"code", "name", "short_name", "legal_basis", "description", "fee", "steps", "certificate_title"}


def citizen_cases(user):
    applications = (
        Application.objects.filter(applicant=user).select_related("permit_type").order_by("-updated_at")[:CASES_SHOWN]
    )
    return [
        CaseSummary(
            service="e-Perizinan",
            number=application.number,
            title=application.permit_type.name,
            status=application.get_status_display(),
            updated_at=application.updated_at,
            url=applicant_url(application),
        )
        for application in applications
    ]


# --- the catalogue from the city profile ------------------------------------------------------


def load_profile_section(city, data):
    """Upsert the city's permit types from the profile's "permits" section: {"types": [...]}.

    Every type is checked like the admin checks it (PermitType.clean()); the first problem stops the
    load with a message naming the type and the field. Types missing from the file are kept
    (applications refer to them); the city admin may deactivate them.
    """
    if not isinstance(data, dict) or not isinstance(data.get("types"), list):
        raise ValidationError('Bagian "permits" harus berupa {"types": [...]}.')
    codes = []
    with transaction.atomic():
        for index, item in enumerate(data["types"], start=1):
            code = item.get("code") if isinstance(item, dict) else None
            label = f"Jenis izin '{code}'" if isinstance(code, str) and code else f"Jenis izin ke-{index}"
            if not isinstance(item, dict):
                raise ValidationError(f"{label}: harus berupa objek.")
            if code in codes:
                raise ValidationError(f"{label}: kode dipakai lebih dari sekali.")
            _load_type(city, item, label)
            codes.append(code)
    return {"jenis izin": len(codes)}


def _load_type(city, item, label):
    unknown = set(item) - ITEM_KEYS
    if unknown:
        raise ValidationError(f"{label}: kunci tidak dikenal: {', '.join(sorted(unknown))}.")
    missing = REQUIRED_KEYS - set(item)
    if missing:
        raise ValidationError(f"{label}: kunci wajib tidak ada: {', '.join(sorted(missing))}.")
    if "issuing_opd" in item:
        issuing = _opd(city, item["issuing_opd"], label)
    else:
        issuing = city.opd_with_function("perizinan")
        if issuing is None:
            raise ValidationError(f"{label}: tidak ada issuing_opd dan kota tidak punya OPD dengan fungsi 'perizinan'.")
    technical = _opd(city, item["technical_opd"], label) if item.get("technical_opd") else None
    permit_type = PermitType.objects.filter(city=city, code=item["code"]).first() or PermitType(city=city)
    values = {
        "code": item["code"],
        "name": item["name"],
        "short_name": item["short_name"],
        "group": item.get("group", ""),
        "legal_basis": item["legal_basis"],
        "description": item["description"],
        "issuing_opd": issuing,
        "technical_opd": technical,
        "applicant_kind": item.get("applicant_kind", "person"),
        "form_fields": item.get("form_fields", []),
        "required_documents": item.get("required_documents", []),
        "fee": item["fee"],
        "steps": item["steps"],
        "validity_months": item.get("validity_months"),
        "certificate_title": item["certificate_title"],
        "certificate_fields": item.get("certificate_fields", []),
        "online": item.get("online", True),
        "active": item.get("active", True),
    }
    for name, value in values.items():
        setattr(permit_type, name, value)
    try:
        permit_type.full_clean()
    except ValidationError as exc:
        problems = "; ".join(
            f"{_FIELD_NAMES.get(name, name)}: {' '.join(messages)}" for name, messages in exc.message_dict.items()
        )
        raise ValidationError(f"{label}: {problems}") from None
    permit_type.save()


_FIELD_NAMES = {"__all__": "umum"}


def _opd(city, code, label):
    opd = city.opds.filter(code=code).first() if isinstance(code, str) else None
    if opd is None:
        raise ValidationError(f"{label}: OPD '{code}' tidak ada di profil kota.")
    return opd
