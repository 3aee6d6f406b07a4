"""The rules a permit type's definition must follow, whether it comes from a city profile or the admin.

Each check raises ValidationError with a message in Bahasa Indonesia naming what is wrong, so a city's
IT team can fix its profile file from the message alone. Unknown keys are refused too: a typo such as
"deadline_hour" must not silently drop a step's deadline.
"""

import re

from django.core.exceptions import ValidationError

from permits.fees import check_fee

FIELD_TYPES = {"text", "number", "date", "choice"}
DOCUMENT_FORMATS = {"pdf", "jpg", "png"}
STEP_ROLES = {"officer", "head"}
STEP_OPDS = {"issuing", "technical"}
APPLICANT_KINDS = {"person", "company", "both"}
MAX_DOCUMENT_MB = 20
MAX_DEADLINE_HOURS = 2000
MAX_DEADLINE_DAYS = 365
# Codes become form names, formula variables and clock kinds ("permit.step.<code>").
CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")

FIELD_KEYS = {"code", "label", "type", "required", "choices", "help", "min", "max", "max_length"}
DOCUMENT_KEYS = {"code", "name", "formats", "max_mb", "required", "applicant", "help"}
STEP_KEYS = {"code", "name", "role", "opd", "deadline_hours", "deadline_days", "findings", "survey"}


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_items(items, what, keys):
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValidationError(f"{what} harus berupa daftar objek.")
    codes = []
    for index, item in enumerate(items, start=1):
        code = item.get("code")
        if not isinstance(code, str) or not CODE.fullmatch(code):
            raise ValidationError(
                f"{what} ke-{index}: 'code' harus huruf kecil, angka dan garis bawah, diawali huruf (mis. luas_lantai)."
            )
        unknown = set(item) - keys
        if unknown:
            raise ValidationError(f"{what} '{code}': kunci tidak dikenal: {', '.join(sorted(unknown))}.")
        if code in codes:
            raise ValidationError(f"{what}: kode '{code}' dipakai lebih dari sekali.")
        codes.append(code)
    return codes


def check_form_fields(fields):
    _check_items(fields, "Isian formulir", FIELD_KEYS)
    for field in fields:
        code = field["code"]
        if not isinstance(field.get("label"), str) or not field["label"].strip():
            raise ValidationError(f"Isian formulir '{code}': 'label' wajib diisi.")
        if field.get("type") not in FIELD_TYPES:
            raise ValidationError(
                f"Isian formulir '{code}': tipe '{field.get('type')}' tidak dikenal"
                f" (pilih {', '.join(sorted(FIELD_TYPES))})."
            )
        if "required" in field and not isinstance(field["required"], bool):
            raise ValidationError(f"Isian formulir '{code}': 'required' harus true atau false.")
        choices = field.get("choices")
        if field["type"] == "choice":
            if not (
                isinstance(choices, list)
                and len(choices) >= 2
                and all(isinstance(c, str) and c.strip() for c in choices)
                and len(set(choices)) == len(choices)
            ):
                raise ValidationError(f"Isian pilihan '{code}' perlu 'choices': paling sedikit dua teks yang berbeda.")
        elif choices is not None:
            raise ValidationError(f"Isian formulir '{code}': 'choices' hanya untuk tipe choice.")
        for key in ("min", "max"):
            if key in field and (field["type"] != "number" or not _is_number(field[key])):
                raise ValidationError(f"Isian formulir '{code}': '{key}' hanya untuk tipe number dan harus angka.")
        if "min" in field and "max" in field and field["min"] > field["max"]:
            raise ValidationError(f"Isian formulir '{code}': 'min' lebih besar dari 'max'.")
        if "max_length" in field and (
            field["type"] != "text" or not isinstance(field["max_length"], int) or not 1 <= field["max_length"] <= 2000
        ):
            raise ValidationError(f"Isian formulir '{code}': 'max_length' hanya untuk tipe text, 1 sampai 2000.")


def check_documents(documents):
    _check_items(documents, "Dokumen persyaratan", DOCUMENT_KEYS)
    for document in documents:
        code = document["code"]
        if not isinstance(document.get("name"), str) or not document["name"].strip():
            raise ValidationError(f"Dokumen persyaratan '{code}': 'name' wajib diisi.")
        formats = document.get("formats")
        if not (isinstance(formats, list) and formats and set(formats) <= DOCUMENT_FORMATS):
            raise ValidationError(
                f"Dokumen persyaratan '{code}': 'formats' harus daftar dari {', '.join(sorted(DOCUMENT_FORMATS))}."
            )
        max_mb = document.get("max_mb", 5)
        if not (isinstance(max_mb, int) and not isinstance(max_mb, bool) and 1 <= max_mb <= MAX_DOCUMENT_MB):
            raise ValidationError(f"Dokumen persyaratan '{code}': 'max_mb' harus 1 sampai {MAX_DOCUMENT_MB}.")
        if "required" in document and not isinstance(document["required"], bool):
            raise ValidationError(f"Dokumen persyaratan '{code}': 'required' harus true atau false.")
        if document.get("applicant", "person") not in {"person", "company"}:
            raise ValidationError(f"Dokumen persyaratan '{code}': 'applicant' harus person atau company.")


def check_steps(steps, *, has_technical_opd):
    """The workflow: at least one step, each with a known role and OPD and one deadline; the last step is the
    approval and signing by the head of the issuing OPD."""
    codes = _check_items(steps, "Langkah", STEP_KEYS)
    if not steps:
        raise ValidationError("Jenis izin perlu paling sedikit satu langkah (persetujuan kepala OPD penerbit).")
    for step in steps:
        code = step["code"]
        if not isinstance(step.get("name"), str) or not step["name"].strip():
            raise ValidationError(f"Langkah '{code}': 'name' wajib diisi.")
        if step.get("role") not in STEP_ROLES:
            raise ValidationError(
                f"Langkah '{code}': peran '{step.get('role')}' tidak dikenal (pilih officer atau head)."
            )
        if step.get("opd") not in STEP_OPDS:
            raise ValidationError(
                f"Langkah '{code}': opd '{step.get('opd')}' tidak dikenal (pilih issuing atau technical)."
            )
        if step["opd"] == "technical" and not has_technical_opd:
            raise ValidationError(
                f"Langkah '{code}' dikerjakan OPD teknis, tetapi jenis izin ini tidak punya OPD teknis."
            )
        hours, days = step.get("deadline_hours"), step.get("deadline_days")
        if (hours is None) == (days is None):
            raise ValidationError(f"Langkah '{code}' perlu tepat satu batas waktu: deadline_hours atau deadline_days.")
        if hours is not None and not (_is_number(hours) and 0 < hours <= MAX_DEADLINE_HOURS):
            raise ValidationError(
                f"Langkah '{code}': deadline_hours harus lebih dari 0 dan paling banyak {MAX_DEADLINE_HOURS} jam kerja."
            )
        whole_days = isinstance(days, int) and not isinstance(days, bool)
        if days is not None and not (whole_days and 0 < days <= MAX_DEADLINE_DAYS):
            raise ValidationError(
                f"Langkah '{code}': deadline_days harus bilangan bulat 1 sampai {MAX_DEADLINE_DAYS} hari kerja."
            )
        for flag in ("findings", "survey"):
            if flag in step and not isinstance(step[flag], bool):
                raise ValidationError(f"Langkah '{code}': '{flag}' harus true atau false.")
    last = steps[-1]
    if last["role"] != "head" or last["opd"] != "issuing":
        raise ValidationError(
            f"Langkah terakhir '{last['code']}' harus persetujuan dan penandatanganan oleh kepala OPD penerbit"
            " (role head, opd issuing)."
        )
    if has_technical_opd and not any(step["opd"] == "technical" for step in steps):
        raise ValidationError("Jenis izin punya OPD teknis tetapi tidak ada langkah yang dikerjakannya.")
    return codes


def check_certificate_fields(codes, form_fields):
    known = {field["code"] for field in form_fields}
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise ValidationError("Isian sertifikat harus daftar kode isian formulir.")
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(f"Isian sertifikat tidak ada di formulir: {', '.join(unknown)}.")


def number_fields(form_fields):
    return {field["code"] for field in form_fields if isinstance(field, dict) and field.get("type") == "number"}


def check_definition(*, form_fields, required_documents, fee, steps, certificate_fields, has_technical_opd):
    """Every JSON part of a permit type; errors keyed by model field, as Model.clean() reports them."""
    errors = {}
    checks = [
        ("form_fields", lambda: check_form_fields(form_fields)),
        ("required_documents", lambda: check_documents(required_documents)),
        ("steps", lambda: check_steps(steps, has_technical_opd=has_technical_opd)),
    ]
    for name, check in checks:
        try:
            check()
        except ValidationError as exc:
            errors[name] = exc.messages
    if "form_fields" not in errors:
        for name, check in (
            ("fee", lambda: check_fee(fee, number_fields(form_fields))),
            ("certificate_fields", lambda: check_certificate_fields(certificate_fields, form_fields)),
        ):
            try:
                check()
            except ValidationError as exc:
                errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
