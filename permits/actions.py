"""What can happen to a permit application, for the web pages and the API alike.

access_* and check_* decide who may see and do what; do_* change state. Every status change goes
through `_move()`: it refuses a move the transition table does not allow (IllegalMove → HTTP 409) or
one based on a stale view of the application, and in the same transaction

- closes the step the application leaves (its clock stopped — met or missed — or cancelled, its step
  record finished with the outcome, note and findings) and opens the step it enters (a new clock
  "permit.step.<code>" on the city's working calendar, a new step record);
- pauses the step clock while the application waits on the applicant and resumes it on resubmission;
- writes the audit event (with the applicant's public timeline text) and notifies the applicant.

Only an officer of the current step's OPD with the step's role may act on it (and, once somebody holds
the step, only that officer); the Inspektorat reads everything and never acts.
"""

import calendar
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import BytesIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from PIL import Image, UnidentifiedImageError

from accounts.models import Role, User
from accounts.nik import mask_nik
from accounts.permissions import SEES_ALL, may_see_case
from audit.events import record
from certificates.actions import do_issue_certificate, do_revoke_certificate
from cities.models import Opd, current_city
from core.photos import check_photos
from deadlines import clock
from notifications.outbox import notify_user
from permits import links
from permits.fees import rupiah
from permits.models import (
    QUEUE_STATUSES,
    STEP_STATUSES,
    WITHDRAWABLE_STATUSES,
    ApplicantKind,
    Application,
    ApplicationDocument,
    Company,
    Document,
    DocumentKind,
    Payment,
    PermitType,
    RegistrationCounter,
    Status,
    StepPhoto,
    StepRecord,
    SurveyResponse,
    format_registration_number,
)
from permits.payments import get_backend

MAX_TEXT = 2000
MAX_FIELD_TEXT = 300
MAX_SURVEY_PHOTOS = 10
ROLE_NAMES = {"officer": "petugas", "head": "Kepala"}
DOCUMENT_CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
NIB = re.compile(r"\d{13}")
NPWP = re.compile(r"\d{15}|\d{16}")


# Once the retribusi is due the finance agency (BPKPAD) sees the application, to confirm its payment; and still
# when the applicant withdraws it unpaid after approval (decided_at is set by the approval), to see why a payment
# it was to confirm was cancelled.
FEE_DUE_STATUSES = (Status.APPROVED, Status.ISSUED, Status.REVOKED)
FEE_WAS_DUE = Q(fee_amount__gt=0) & (
    Q(status__in=FEE_DUE_STATUSES) | Q(status=Status.WITHDRAWN, decided_at__isnull=False)
)


class IllegalMove(Exception):
    """A change the application's state does not allow (answered with HTTP 409)."""


# --- Who may see what --------------------------------------------------------------------------


def may_see_application(user, application):
    """The applicant; every officer of the OPDs the permit type involves (issuing, technical, the one holding
    the step); the finance agency once a fee is due; the Inspektorat, Command Center and city admin.
    A draft is the applicant's alone."""
    if may_see_case(user, application):
        return user.is_citizen or application.status != Status.DRAFT
    if not user.is_authenticated or not user.is_active or not user.is_officer or application.status == Status.DRAFT:
        return False
    permit_type = application.permit_type
    if user.opd_id is not None and user.opd_id in (permit_type.issuing_opd_id, permit_type.technical_opd_id):
        return True
    fee_was_due = application.status in FEE_DUE_STATUSES or (
        application.status == Status.WITHDRAWN and application.decided_at is not None
    )
    return application.fee_amount > 0 and fee_was_due and _is_finance(user)


def _is_finance(user):
    return user.opd_id is not None and "keuangan" in (user.opd.functions or [])


def access_application(user, application):
    """The application if the user may see it; otherwise 404, so its existence is not revealed."""
    if not may_see_application(user, application):
        raise Http404("Data tidak ditemukan.")
    return application


def applications_visible_to(user, queryset=None):
    """Filter applications down to what the user may see (the lists of the web pages and the API)."""
    queryset = Application.objects.all() if queryset is None else queryset
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_citizen:
        return queryset.filter(applicant=user)
    submitted = queryset.exclude(status=Status.DRAFT)
    if user.role in SEES_ALL:
        return submitted
    if user.opd_id is None:
        return queryset.none()
    mine = (
        Q(opd_id=user.opd_id)
        | Q(permit_type__issuing_opd_id=user.opd_id)
        | Q(permit_type__technical_opd_id=user.opd_id)
    )
    if _is_finance(user):
        mine |= FEE_WAS_DUE
    return submitted.filter(mine)


def check_applicant(user, application):
    access_application(user, application)
    if application.applicant_id != user.pk:
        raise PermissionDenied("Hanya pemohon yang dapat melakukan ini.")


def _refuse_inspektorat(user):
    if user.is_authenticated and user.role == Role.INSPEKTORAT:
        raise PermissionDenied("Inspektorat hanya dapat membaca, tidak mengubah.")


def step_handlers(application):
    """The officers who may act on the current step: its OPD, its role, active."""
    step = application.current_step
    if step is None:
        return User.objects.none()
    return User.objects.filter(opd_id=step["opd_id"], role=step["role"], is_active=True, kind=User.Kind.OFFICER)


def check_step_actor(user, application, *, statuses=QUEUE_STATUSES, holder_only=True):
    """Only the current step's OPD and role may act on it; once held, only its holder."""
    access_application(user, application)
    _refuse_inspektorat(user)
    if user.is_citizen:
        raise PermissionDenied("Hanya petugas yang menangani langkah ini yang dapat melakukan tindakan ini.")
    step = application.current_step
    if step is None or application.status not in statuses:
        raise IllegalMove(f"Permohonan berstatus '{application.get_status_display()}': tindakan ini tidak tersedia.")
    if user.opd_id != step["opd_id"] or user.role != step["role"]:
        raise PermissionDenied(
            f"Langkah '{step['name']}' dikerjakan oleh {ROLE_NAMES[step['role']]} {step['opd_name']}; "
            "Anda tidak dapat bertindak pada langkah ini."
        )
    if holder_only and application.holder_id and application.holder_id != user.pk:
        raise PermissionDenied(
            f"Langkah ini sedang ditangani {application.holder.full_name}. "
            "Minta kepala OPD Anda menugaskannya kepada Anda bila perlu."
        )
    return step


# --- The applicant's side: companies, documents, drafts, submission ----------------------------


def _check_citizen(user):
    if not user.is_authenticated or not user.is_citizen:
        raise PermissionDenied("Permohonan izin diajukan oleh warga yang masuk dengan NIK; petugas tidak dapat.")


def do_save_company(user, *, name, nib, npwp="", address, company=None):
    """Add or update one of the citizen's companies (NIB from OSS, NPWP of the company)."""
    _check_citizen(user)
    if company is not None and company.owner_id != user.pk:
        raise Http404("Data tidak ditemukan.")
    errors = {}
    name, address = (name or "").strip(), (address or "").strip()
    nib = re.sub(r"[\s.-]", "", nib or "")
    npwp = re.sub(r"[\s.-]", "", npwp or "")
    if not name:
        errors["name"] = ["Nama badan usaha wajib diisi."]
    elif len(name) > 200:
        errors["name"] = ["Nama badan usaha paling panjang 200 karakter."]
    if not NIB.fullmatch(nib):
        errors["nib"] = ["NIB terdiri dari 13 angka (lihat dokumen NIB dari OSS)."]
    elif Company.objects.filter(owner=user, nib=nib).exclude(pk=getattr(company, "pk", None)).exists():
        errors["nib"] = ["Badan usaha dengan NIB ini sudah Anda daftarkan."]
    if npwp and not NPWP.fullmatch(npwp):
        errors["npwp"] = ["NPWP terdiri dari 15 atau 16 angka."]
    if not address:
        errors["address"] = ["Alamat badan usaha wajib diisi."]
    elif len(address) > 300:
        errors["address"] = ["Alamat paling panjang 300 karakter."]
    if errors:
        raise ValidationError(errors)
    before = _company_fields(company) if company is not None else None
    company = company or Company(owner=user)
    company.name, company.nib, company.npwp, company.address = name, nib, npwp, address
    with transaction.atomic():
        company.save()
        action = "permit.company_added" if before is None else "permit.company_changed"
        record(actor=user, obj=company, action=action, before=before, after=_company_fields(company))
    return company


def _company_fields(company):
    return {"name": company.name, "nib": company.nib, "npwp": company.npwp, "address": company.address}


def _sniff(data):
    """The kind of an uploaded file by its content (magic bytes), or None."""
    if data.startswith(b"%PDF-"):
        return DocumentKind.PDF
    if data.startswith(b"\xff\xd8\xff"):
        return DocumentKind.JPG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return DocumentKind.PNG
    return None


def check_document_upload(upload):
    """(kind, bytes) of an acceptable upload; ValidationError({"file": ...}) in Bahasa Indonesia otherwise."""
    name = getattr(upload, "name", None) or "berkas"
    limit = settings.PERMIT_DOCUMENT_MAX_BYTES
    size = getattr(upload, "size", None) or 0
    if size > limit:
        raise ValidationError(
            {"file": [f"Berkas '{name}' terlalu besar ({_mb(size)}); paling besar {_mb(limit)}."]}, code="too_large"
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        message = f"Berkas '{name}' terlalu besar; paling besar {_mb(limit)}."
        raise ValidationError({"file": [message]}, code="too_large")
    if not data:
        raise ValidationError({"file": [f"Berkas '{name}' kosong."]}, code="empty")
    kind = _sniff(data)
    claimed = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if kind is None:
        if claimed == "pdf":
            message = f"Berkas '{name}' bernama PDF tetapi isinya bukan PDF. Simpan ulang dokumen sebagai PDF."
        else:
            message = f"Berkas '{name}' bukan PDF, JPEG atau PNG. Unggah dokumen dalam salah satu format itu."
        raise ValidationError({"file": [message]}, code="format")
    if kind == DocumentKind.PDF:
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(
                {"file": [f"Berkas PDF '{name}' tidak utuh (terpotong atau rusak). Simpan ulang lalu unggah lagi."]},
                code="format",
            )
    else:
        try:
            with Image.open(BytesIO(data)) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
            raise ValidationError(
                {"file": [f"Gambar '{name}' rusak atau tidak utuh. Foto ulang dokumen lalu unggah lagi."]},
                code="format",
            ) from None
    return kind, data


def _mb(size):
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


def do_upload_document(user, upload, *, name=""):
    """Keep an uploaded file among the applicant's documents, to attach to any of their applications.

    The same content uploaded twice is kept once: the first copy is returned.
    """
    _check_citizen(user)
    kind, data = check_document_upload(upload)
    display = ((name or "").strip() or getattr(upload, "name", "") or "Dokumen")[:200]
    digest = hashlib.sha256(data).hexdigest()
    existing = Document.objects.filter(owner=user, sha256=digest).first()
    if existing is not None:
        return existing
    document = Document(
        owner=user,
        name=display,
        kind=kind,
        content_type=DOCUMENT_CONTENT_TYPES[kind],
        size=len(data),
        sha256=digest,
    )
    try:
        with transaction.atomic():
            document.file.save("dokumen", ContentFile(data), save=False)
            document.save()
            record(actor=user, obj=document, action="permit.document_uploaded", after=_document_fields(document))
    except IntegrityError:
        # The same file uploaded twice at once: the other upload's copy is the one kept.
        document.file.delete(save=False)
        return Document.objects.get(owner=user, sha256=digest)
    return document


# --- Deleting documents and companies ---------------------------------------------------------
#
# An application that is no longer a draft keeps what it was submitted with: its documents are the evidence
# the officers decided on, and its company is who the permit is for. Drafts let go of them.

MAX_LISTED_NUMBERS = 3


def _numbers(applications):
    """'REG-2026-000001, REG-2026-000002 dan 3 lainnya'."""
    numbers = sorted({a.registration_number for a in applications})
    listed = ", ".join(numbers[:MAX_LISTED_NUMBERS])
    rest = len(numbers) - MAX_LISTED_NUMBERS
    return f"{listed} dan {rest} lainnya" if rest > 0 else listed


def _unique_drafts(applications):
    return sorted({a.pk: a for a in applications if a.status == Status.DRAFT}.values(), key=lambda a: a.pk)


def document_library(user):
    """The user's documents, newest first, each with `uses` (the applications it is attached to) and `evidence`
    (how many of those were submitted: while there are any it cannot be deleted)."""
    return Document.objects.filter(owner_id=user.pk).annotate(
        uses=Count("attachments__application", distinct=True),
        evidence=Count(
            "attachments__application", filter=~Q(attachments__application__status=Status.DRAFT), distinct=True
        ),
    )


def check_delete_document(user, document):
    """Only its owner deletes a document, and not while a submitted application holds it as evidence.

    Returns the owner's drafts it would be taken off (it stays in none of them)."""
    _check_citizen(user)
    if document.owner_id != user.pk:
        raise Http404("Dokumen tidak ditemukan di antara dokumen Anda.")
    applications = [
        attachment.application
        for attachment in ApplicationDocument.objects.filter(document_id=document.pk).select_related(
            "application__permit_type"
        )
    ]
    submitted = [a for a in applications if a.status != Status.DRAFT]
    if submitted:
        raise IllegalMove(
            f"Dokumen '{document.name}' tidak dapat dihapus: dokumen ini dilampirkan pada permohonan "
            f"{_numbers(submitted)} yang sudah diajukan dan disimpan sebagai bukti permohonan itu."
        )
    return _unique_drafts(applications)


def _document_fields(document):
    return {"name": document.name, "kind": document.kind, "size": document.size, "sha256": document.sha256}


def do_delete_document(user, document):
    """Delete one of the user's documents (and its file), taking it off their drafts first.

    Refused (IllegalMove) while it is attached to an application that is no longer a draft. The drafts it is
    attached to are locked as a submission locks them, so a draft cannot be submitted without it meanwhile.
    Returns the drafts it was taken off.
    """
    check_delete_document(user, document)
    try:
        with transaction.atomic():
            locked = Document.objects.select_for_update().filter(pk=document.pk).first()
            if locked is None:
                raise Http404("Dokumen tidak ditemukan di antara dokumen Anda.")
            attached = list(
                ApplicationDocument.objects.filter(document_id=locked.pk).values_list("application_id", flat=True)
            )
            list(Application.objects.select_for_update().filter(pk__in=attached).order_by("pk"))
            drafts = check_delete_document(user, locked)  # again, under the locks
            ApplicationDocument.objects.filter(document_id=locked.pk).delete()
            Application.objects.filter(pk__in=[d.pk for d in drafts]).update(updated_at=timezone.now())
            storage, name = locked.file.storage, locked.file.name
            record(
                actor=user,
                obj=locked,
                action="permit.document_deleted",
                before=_document_fields(locked),
                after={"taken_off_drafts": [draft.pk for draft in drafts]},
            )
            locked.delete()
            transaction.on_commit(lambda: storage.delete(name) if name else None)
    except IntegrityError:
        # Attached to an application at the very same moment (the database refused to lose the reference).
        raise IllegalMove(
            f"Dokumen '{document.name}' baru saja dilampirkan pada permohonan. Muat ulang halaman lalu periksa lagi."
        ) from None
    return drafts


def company_list(user):
    """The user's companies, each with `uses` (the applications naming it) and `evidence` (how many of those
    were submitted: while there are any it cannot be deleted)."""
    return Company.objects.filter(owner_id=user.pk).annotate(
        uses=Count("applications", distinct=True),
        evidence=Count("applications", filter=~Q(applications__status=Status.DRAFT), distinct=True),
    )


def check_delete_company(user, company):
    """Only its owner deletes a company, and not while an application that is no longer a draft names it.

    Returns the owner's drafts that name it (they are then applications of the owner as a person)."""
    _check_citizen(user)
    if company.owner_id != user.pk:
        raise Http404("Badan usaha tidak ditemukan di antara badan usaha Anda.")
    applications = list(Application.objects.filter(company_id=company.pk).select_related("permit_type"))
    submitted = [a for a in applications if a.status != Status.DRAFT]
    if submitted:
        raise IllegalMove(
            f"{company.name} tidak dapat dihapus: badan usaha ini tercantum pada permohonan {_numbers(submitted)} "
            "yang sudah diajukan, dan datanya disimpan bersama permohonan itu."
        )
    return _unique_drafts(applications)


def do_delete_company(user, company):
    """Delete one of the user's companies; refused (IllegalMove) while a submitted application names it.

    Drafts for it become drafts of the owner as a person, without the documents only a company attaches (as
    when the applicant switches in the draft itself); a permit only a company may apply for then asks for
    another company before it can be submitted. Returns those drafts.
    """
    check_delete_company(user, company)
    try:
        with transaction.atomic():
            locked = Company.objects.select_for_update().filter(pk=company.pk).first()
            if locked is None:
                raise Http404("Badan usaha tidak ditemukan di antara badan usaha Anda.")
            list(Application.objects.select_for_update().filter(company_id=locked.pk).order_by("pk"))
            drafts = check_delete_company(user, locked)  # again, under the locks
            now = timezone.now()
            for application in drafts:
                Application.objects.filter(pk=application.pk).update(company=None, updated_at=now)
                applies = {doc["code"] for doc in application.permit_type.documents_for(ApplicantKind.PERSON)}
                application.attachments.exclude(requirement__in=applies).delete()
                application.company, application.updated_at = None, now
            record(
                actor=user,
                obj=locked,
                action="permit.company_deleted",
                before=_company_fields(locked),
                after={"drafts_now_personal": [draft.pk for draft in drafts]},
            )
            locked.delete()
    except IntegrityError:
        raise IllegalMove(
            f"{company.name} baru saja dipakai pada permohonan. Muat ulang halaman lalu periksa lagi."
        ) from None
    return drafts


def check_may_apply(user, permit_type, company):
    """A citizen, for an active online permit type, as a person or for their own company as the type allows."""
    _check_citizen(user)
    if not permit_type.active or permit_type.city_id != getattr(current_city(), "pk", None):
        raise Http404("Jenis izin tidak ditemukan.")
    if not permit_type.online:
        raise ValidationError(
            {"permit_type": [f"{permit_type.name} hanya dapat diajukan langsung di loket {permit_type.issuing_opd}."]}
        )
    if company is not None and company.owner_id != user.pk:
        raise ValidationError({"company": ["Pilih badan usaha yang Anda daftarkan sendiri."]})
    kind = ApplicantKind.COMPANY if company is not None else ApplicantKind.PERSON
    if not permit_type.accepts(kind):
        message = (
            f"{permit_type.name} diajukan atas nama badan usaha; pilih badan usaha Anda."
            if kind == ApplicantKind.PERSON
            else f"{permit_type.name} diajukan atas nama perorangan, bukan badan usaha."
        )
        raise ValidationError({"company": [message]})


def clean_form_data(permit_type, data, *, complete):
    """The applicant's answers, typed and checked against the permit type's form; unknown answers are dropped.

    With complete=False (a draft) missing answers are allowed; with complete=True every required one must be
    there. Errors are keyed by the field's code.
    """
    if data is not None and not isinstance(data, dict):
        raise ValidationError({"form_data": ["Isian formulir harus berupa pasangan kode dan jawaban."]})
    data = data or {}
    cleaned, errors = {}, {}
    for field in permit_type.form_fields:
        code, label = field["code"], field["label"]
        raw = data.get(code)
        text = raw.strip() if isinstance(raw, str) else raw
        if text is None or text == "":
            if complete and field.get("required"):
                errors[code] = [f"{label} wajib diisi."]
            continue
        try:
            cleaned[code] = _clean_value(field, text)
        except ValidationError as exc:
            errors[code] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_value(field, value):
    label, kind = field["label"], field["type"]
    if kind == "number":
        if isinstance(value, bool):
            raise ValidationError(f"{label} harus berupa angka.")
        try:
            number = value if isinstance(value, int | float) else _parse_number(value)
        except ValueError:
            raise ValidationError(f"{label} harus berupa angka.") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValidationError(f"{label} harus berupa angka.")
        if "min" in field and number < field["min"]:
            raise ValidationError(f"{label} paling sedikit {field['min']:g}.")
        if "max" in field and number > field["max"]:
            raise ValidationError(f"{label} paling banyak {field['max']:g}.")
        return int(number) if float(number).is_integer() else number
    if not isinstance(value, str):
        value = str(value)
    if kind == "date":
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValidationError(f"{label}: tanggal tidak valid (format TTTT-BB-HH).") from None
    if kind == "choice":
        if value not in field["choices"]:
            raise ValidationError(f"Pilih {label} dari pilihan yang tersedia.")
        return value
    limit = field.get("max_length", MAX_FIELD_TEXT)
    if len(value) > limit:
        raise ValidationError(f"{label} paling panjang {limit} karakter.")
    return value


INDONESIAN_NUMBER = re.compile(r"\d{1,3}(\.\d{3})+(,\d+)?")


def _parse_number(text):
    """'1.250,5' (Indonesian), '1250,5' and '1250.5' → 1250.5."""
    text = str(text).strip().replace(" ", "")
    if INDONESIAN_NUMBER.fullmatch(text):
        text = text.replace(".", "")
    return float(text.replace(",", "."))


def do_save_draft(user, permit_type, *, form_data=None, company=None, application=None):
    """Start a draft application or update the answers of one; nothing is checked for completeness yet."""
    if application is not None:
        check_applicant(user, application)
        if application.status != Status.DRAFT:
            raise IllegalMove("Hanya draf yang dapat diubah; permohonan ini sudah diajukan.")
        if application.permit_type_id != permit_type.pk:
            raise ValidationError({"permit_type": ["Jenis izin sebuah draf tidak dapat diganti; buat draf baru."]})
    check_may_apply(user, permit_type, company)
    cleaned = clean_form_data(permit_type, form_data, complete=False)
    now = timezone.now()
    if application is None:
        application = Application(
            city=permit_type.city, permit_type=permit_type, applicant=user, created_at=now, status=Status.DRAFT
        )
    application.company = company
    application.form_data = cleaned
    application.updated_at = now
    application.save()
    # Switching between applying as a person and for a company: what applies only to the other goes.
    applies = {doc["code"] for doc in permit_type.documents_for(application.applicant_kind())}
    application.attachments.exclude(requirement__in=applies).delete()
    return application


def _requirements(application):
    return application.permit_type.documents_for(application.applicant_kind())


def do_attach_document(user, application, requirement, document):
    """Attach one of the applicant's documents to a requirement (replacing what was attached to it)."""
    check_applicant(user, application)
    if application.status not in (Status.DRAFT, Status.WAITING_APPLICANT):
        raise IllegalMove("Dokumen hanya dapat dilampirkan pada draf atau saat petugas meminta kelengkapan.")
    wanted = next((doc for doc in _requirements(application) if doc["code"] == requirement), None)
    if wanted is None:
        raise ValidationError({"requirement": ["Persyaratan ini tidak ada pada jenis izin ini."]})
    if document.owner_id != user.pk:
        raise ValidationError({requirement: ["Pilih dokumen yang Anda unggah sendiri."]})
    _check_attachment(wanted, document)
    with transaction.atomic():
        attachment, _ = ApplicationDocument.objects.update_or_create(
            application=application,
            requirement=requirement,
            defaults={"document": document, "attached_at": timezone.now()},
        )
        if application.status == Status.WAITING_APPLICANT:
            record(
                actor=user,
                obj=application,
                action="permit.document_attached",
                after={"requirement": requirement, "document": document.pk},
            )
    return attachment


def _check_attachment(requirement, document):
    formats = requirement["formats"]
    if document.kind not in formats:
        accepted = ", ".join(DocumentKind(f).label for f in formats)
        raise ValidationError(
            {
                requirement["code"]: [
                    f"{requirement['name']} harus berformat {accepted}; '{document.name}' berformat "
                    f"{document.get_kind_display()}."
                ]
            }
        )
    limit = requirement.get("max_mb", 5) * 1_000_000
    if document.size > limit:
        message = f"{requirement['name']} paling besar {_mb(limit)}; '{document.name}' {_mb(document.size)}."
        raise ValidationError({requirement["code"]: [message]})


def do_detach_document(user, application, requirement):
    check_applicant(user, application)
    if application.status != Status.DRAFT:
        raise IllegalMove("Lampiran hanya dapat dilepas dari draf.")
    with transaction.atomic():
        _lock(application)  # not while the draft is being submitted: a submitted application keeps its documents
        application.attachments.filter(requirement=requirement).delete()


def check_complete(application):
    """Everything a submission needs: the form's required answers, the company the type needs, every
    required document in an accepted format; ValidationError keyed by field / requirement code otherwise."""
    permit_type = application.permit_type
    errors = {}
    try:
        clean_form_data(permit_type, application.form_data, complete=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if application.company_id is None and not permit_type.accepts(ApplicantKind.PERSON):
        errors["company"] = [f"{permit_type.name} diajukan atas nama badan usaha; pilih badan usaha Anda."]
    attached = {a.requirement: a.document for a in application.attachments.select_related("document")}
    for requirement in _requirements(application):
        document = attached.get(requirement["code"])
        if document is None:
            if requirement.get("required", True):
                errors[requirement["code"]] = [f"{requirement['name']} belum dilampirkan."]
            continue
        try:
            _check_attachment(requirement, document)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if not errors:
        try:
            permit_type.compute_fee(application.form_data)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


def do_submit(user, application):
    """Submit a complete draft: it gets its registration number and enters the first step of the workflow."""
    check_applicant(user, application)
    if application.status != Status.DRAFT:
        raise IllegalMove("Permohonan ini sudah diajukan.")
    permit_type = application.permit_type
    with transaction.atomic():
        # Checked under the draft's lock, with its answers and company as they are now: deleting a document or
        # a company (which lock the drafts that use them) cannot slip in between the check and the submission.
        _lock(application)
        application.refresh_from_db(fields=["company", "form_data"])
        check_may_apply(user, permit_type, application.company)
        check_complete(application)
        fee = permit_type.compute_fee(application.form_data)
        now = timezone.now()
        number = _next_registration_number(application.city, now)
        _move(
            application,
            Status.SUBMITTED,
            actor=user,
            action="submitted",
            public_text=f"Permohonan {permit_type.name} diajukan dengan nomor registrasi {number}.",
            template="permit_submitted",
            context={"fee_text": rupiah(fee)},
            step_index=0,
            now=now,
            registration_number=number,
            workflow=workflow_of(permit_type),
            fee_amount=fee,
            submitted_at=now,
        )
    return application


def workflow_of(permit_type):
    """The type's steps with the OPD of each resolved, as the application will follow them."""
    opds = {"issuing": permit_type.issuing_opd, "technical": permit_type.technical_opd}
    return [
        {**step, "opd_id": opds[step["opd"]].pk, "opd_name": opds[step["opd"]].short_name} for step in permit_type.steps
    ]


def _next_registration_number(city, now):
    """The next number of the city's year, taken under a row lock held until the submission commits.

    Concurrent submissions queue on the lock, so numbers are consecutive and unique; a submission that
    rolls back releases its number with it, so there are no gaps.
    """
    year = timezone.localtime(now, city.zone).year
    try:
        with transaction.atomic():
            RegistrationCounter.objects.get_or_create(city=city, year=year)
    except IntegrityError:
        pass  # another submission created the year's counter at the same moment
    counter = RegistrationCounter.objects.select_for_update().get(city=city, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return format_registration_number(year, counter.last)


# --- Moving an application ---------------------------------------------------------------------


def _lock(application):
    """Lock the application's row and refuse to act on a stale copy (somebody else moved it meanwhile)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if (locked.status, locked.step_index, locked.holder_id) != (
        application.status,
        application.step_index,
        application.holder_id,
    ):
        raise IllegalMove("Permohonan ini baru saja diubah orang lain. Muat ulang halaman dan periksa keadaannya.")
    return locked


def _clock_kind(step):
    return f"permit.step.{step['code']}"


_KEEP = object()


def _move(
    application,
    status,
    *,
    actor,
    action,
    public_text,
    reason="",
    template="permit_status",
    context=None,
    notify=True,
    step_index=None,
    outcome="",
    note="",
    findings="",
    holder=_KEEP,
    now=None,
    **changes,
):
    """The one way an application changes status or step; call inside a transaction.

    `step_index`: the step it enters (None: the same step). `outcome`, `note`, `findings`: how the step it
    leaves ended. `holder`: who holds the step it is at afterwards (a step it enters starts unheld).
    """
    now = now or timezone.now()
    locked = _lock(application)
    if not locked.may_move_to(status):
        raise IllegalMove(
            f"Permohonan berstatus '{locked.get_status_display()}' tidak dapat diubah menjadi '{Status(status).label}'."
        )
    old_status, old_index, old_step = application.status, application.step_index, application.current_step
    new_index = old_index if step_index is None else step_index
    leaves = old_step is not None and (status not in STEP_STATUSES or new_index != old_index)
    enters = status in STEP_STATUSES and (old_step is None or new_index != old_index)
    before = {
        "status": old_status,
        "step": old_step["code"] if old_step else None,
        "opd": application.opd_id,
        "holder": application.holder_id,
    }
    fields = {"status": status, "updated_at": now, **changes}
    for name, value in changes.items():
        setattr(application, name, value)

    if old_status == Status.WAITING_APPLICANT and status != Status.WAITING_APPLICANT:
        fields["applicant_wait_seconds"] = application.applicant_wait_seconds + _working_seconds(
            application.waiting_since, now
        )
        fields.update(waiting_since=None, requested_documents=[], request_reason="")
    if status in (Status.APPROVED, Status.REJECTED):
        waited = fields.get("applicant_wait_seconds", application.applicant_wait_seconds)
        fields["processing_seconds"] = max(_working_seconds(application.submitted_at, now) - waited, 0)
        fields["decided_at"] = now

    if leaves:
        kind = _clock_kind(old_step)
        if clock.live_deadlines_for(application).filter(kind=kind).exists():
            (clock.cancel if outcome == StepRecord.Outcome.WITHDRAWN else clock.stop)(application, kind, now=now)
        # Whoever ended the step held it at the end, if nobody had claimed it.
        ended_by = application.holder_id or (actor.pk if actor is not None and actor.is_officer else None)
        StepRecord.objects.filter(application=application, finished_at__isnull=True).update(
            finished_at=now, outcome=outcome, note=note, findings=findings, holder_id=ended_by
        )

    if enters:
        step = application.workflow[new_index]
        step_holder = None if holder is _KEEP else holder
        opd = Opd.objects.get(pk=step["opd_id"])
        fields.update(
            step_index=new_index,
            step_role=step["role"],
            step_code=step["code"],
            opd=opd,
            holder=step_holder,
            step_started_at=now,
        )
        deadline = clock.start(
            application,
            _clock_kind(step),
            title=f"Permohonan {application.registration_number} "
            f"({application.permit_type.short_name}): {step['name']}",
            opd=opd,
            holder=step_holder,
            url=links.officer_url(application),
            now=now,
            **_sla(step),
        )
        fields["due_at"] = deadline.due_at
        StepRecord.objects.create(
            application=application,
            index=new_index,
            code=step["code"],
            name=step["name"],
            role=step["role"],
            opd=opd,
            holder=step_holder,
            started_at=now,
        )
    elif status in STEP_STATUSES:
        kind = _clock_kind(old_step)
        if status == Status.WAITING_APPLICANT:
            clock.pause(application, kind, now=now)
            fields["due_at"] = None
        elif old_status == Status.WAITING_APPLICANT:
            fields["due_at"] = clock.resume(application, kind, now=now).due_at
        if holder is not _KEEP:
            fields["holder"] = holder
            clock.reassign(application, kind, holder)
            StepRecord.objects.filter(application=application, finished_at__isnull=True).update(holder=holder)
    else:
        # After the steps the case stays with the issuing OPD (payment, certificate, revocation).
        fields.update(
            step_role="",
            step_code="",
            holder=None,
            due_at=None,
            step_started_at=None,
            opd=application.permit_type.issuing_opd,
        )

    for name, value in fields.items():
        setattr(application, name, value)
    application.save(update_fields=list(fields))
    step = application.current_step
    record(
        actor=actor,
        obj=application,
        action=f"permit.{action}",
        before=before,
        after={
            "status": status,
            "step": step["code"] if step else None,
            "opd": application.opd_id,
            "holder": application.holder_id,
            **({"outcome": outcome} if outcome else {}),
            **({"note": note} if note else {}),
            **({"findings": findings} if findings else {}),
        },
        reason=reason,
        public=True,
        public_text=public_text,
    )
    if notify:
        _tell_applicant(application, template, {"public_text": public_text, "reason": reason, **(context or {})})
    return application


def _sla(step):
    if "deadline_hours" in step:
        return {"working_hours": step["deadline_hours"]}
    return {"working_days": step["deadline_days"]}


def _working_seconds(start, end):
    if start is None:
        return 0
    return current_city().calendar().working_seconds_between(start, end)


def _tell_applicant(application, template, context):
    step = application.current_step
    context = {
        "application": application,
        "permit_name": application.permit_type.name,
        "city": application.city,
        "step_name": step["name"] if step else "",
        "url": links.absolute(links.applicant_url(application)),
        **context,
    }
    notify_user(application.applicant, template, context, about=application)


# --- The officers' side -----------------------------------------------------------------------


def do_claim(actor, application):
    """Take the current step from the OPD's queue; a submitted application is then being processed."""
    check_step_actor(actor, application, holder_only=False)
    if application.holder_id == actor.pk:
        raise IllegalMove("Langkah ini sudah Anda tangani.")
    if application.holder_id is not None:
        raise IllegalMove(f"Langkah ini sudah ditangani {application.holder.full_name}.")
    step = application.current_step
    with transaction.atomic():
        _move(
            application,
            Status.IN_REVIEW,
            actor=actor,
            action="claimed",
            public_text=f"Sedang diproses: {step['name']}.",
            notify=application.status == Status.SUBMITTED,
            holder=actor,
        )
    return application


def check_assigner(user, application):
    """Who may hand the current step to a colleague: its holder (or, while nobody holds it, any officer of
    the step), and always the head of the step's OPD."""
    step = application.current_step
    if step is not None and user.is_authenticated and user.role == Role.HEAD and user.opd_id == step["opd_id"]:
        access_application(user, application)
        if application.status not in QUEUE_STATUSES:
            raise IllegalMove(f"Permohonan berstatus '{application.get_status_display()}' tidak dapat ditugaskan.")
    else:
        check_step_actor(user, application)


def do_assign(actor, application, officer):
    """Give the current step to a colleague with the step's role in the step's OPD.

    The holder (or, while nobody holds it, any officer of the step) may hand it on; the head of the
    step's OPD may always reassign.
    """
    check_assigner(actor, application)
    step = application.current_step
    if not (
        officer.is_active and officer.is_officer and officer.opd_id == step["opd_id"] and officer.role == step["role"]
    ):
        raise ValidationError(
            {"officer": [f"Pilih {ROLE_NAMES[step['role']]} aktif {step['opd_name']} yang mengerjakan langkah ini."]}
        )
    if officer.pk == application.holder_id:
        raise IllegalMove(f"Langkah ini sudah ditangani {officer.full_name}.")
    with transaction.atomic():
        _move(
            application,
            Status.IN_REVIEW,
            actor=actor,
            action="assigned",
            public_text=f"Sedang diproses: {step['name']}.",
            notify=application.status == Status.SUBMITTED,
            holder=officer,
        )
        notify_user(
            officer,
            "permit_assigned",
            {
                "application": application,
                "permit_name": application.permit_type.name,
                "step_name": step["name"],
                "assigned_by": actor.full_name,
                "url": links.absolute(links.officer_url(application)),
            },
            about=application,
        )
    return application


def do_forward(actor, application, *, note="", findings="", photos=()):
    """The step is done: on to the next step, with a note and (for review and survey steps) the findings."""
    step = check_step_actor(actor, application)
    if application.is_last_step:
        raise IllegalMove("Ini langkah terakhir: setujui dan tandatangani izinnya, atau tolak permohonan.")
    note, findings = _optional(note, "note"), _optional(findings, "findings")
    errors = {}
    if step.get("findings") and not findings:
        errors["findings"] = [f"Tuliskan hasil langkah '{step['name']}' sebelum meneruskan."]
    cleaned = []
    if photos:
        if not step.get("survey"):
            errors["photos"] = ["Foto hanya dilampirkan pada langkah survei lapangan."]
        else:
            try:
                cleaned = check_photos(photos, maximum=MAX_SURVEY_PHOTOS)
            except ValidationError as exc:
                errors["photos"] = exc.messages
    if errors:
        raise ValidationError(errors)
    following = application.workflow[application.step_index + 1]
    with transaction.atomic():
        leaving = application.step_records.filter(finished_at__isnull=True).first()
        _move(
            application,
            Status.IN_REVIEW,
            actor=actor,
            action="forwarded",
            public_text=f"{step['name']} selesai. Langkah berikutnya: {following['name']}.",
            step_index=application.step_index + 1,
            outcome=StepRecord.Outcome.FORWARDED,
            note=note,
            findings=findings,
        )
        for index, photo in enumerate(cleaned, start=1):
            item = StepPhoto(record=leaving, width=photo.width, height=photo.height, uploaded_by=actor)
            item.image.save(f"{index}.{photo.extension}", photo.content, save=False)
            item.save()
    return application


def do_return(actor, application, reason):
    """Send the application back to the previous step (e.g. the technical OPD finds the front office missed
    something); it goes back to whoever handled that step, if they still can."""
    step = check_step_actor(actor, application)
    reason = _required(reason, "Alasan pengembalian wajib diisi.")
    if application.step_index == 0:
        raise IllegalMove(
            "Ini langkah pertama; tidak ada langkah sebelumnya. Minta kelengkapan dari pemohon atau tolak permohonan."
        )
    previous = application.workflow[application.step_index - 1]
    last = application.step_records.filter(index=application.step_index - 1).order_by("-id").first()
    holder = last.holder if last is not None else None
    if holder is not None and not (
        holder.is_active and holder.opd_id == previous["opd_id"] and holder.role == previous["role"]
    ):
        holder = None
    with transaction.atomic():
        _move(
            application,
            Status.IN_REVIEW,
            actor=actor,
            action="returned",
            public_text=f"Permohonan dikembalikan dari langkah '{step['name']}' ke '{previous['name']}'.",
            reason=reason,
            step_index=application.step_index - 1,
            outcome=StepRecord.Outcome.RETURNED,
            note=reason,
            holder=holder,
        )
    return application


def do_request_documents(actor, application, reason, requirements=()):
    """Ask the applicant to complete or correct documents: the step clock pauses until they resubmit."""
    check_step_actor(actor, application)
    reason = _required(reason, "Jelaskan kepada pemohon apa yang perlu dilengkapi.")
    known = {doc["code"]: doc["name"] for doc in _requirements(application)}
    requirements = list(dict.fromkeys(requirements or []))
    unknown = [code for code in requirements if code not in known]
    if unknown:
        raise ValidationError({"requirements": [f"Persyaratan tidak dikenal: {', '.join(unknown)}."]})
    names = [known[code] for code in requirements]
    text = "Petugas meminta pemohon melengkapi berkas; waktu proses dihentikan sementara."
    with transaction.atomic():
        _move(
            application,
            Status.WAITING_APPLICANT,
            actor=actor,
            action="documents_requested",
            public_text=text,
            reason=reason,
            template="permit_waiting",
            context={"documents": names},
            requested_documents=requirements,
            request_reason=reason,
            waiting_since=timezone.now(),
        )
    return application


def do_resubmit(user, application, note=""):
    """The applicant has completed what was asked: the application goes back to the step, its clock resumes."""
    check_applicant(user, application)
    if application.status != Status.WAITING_APPLICANT:
        raise IllegalMove("Permohonan ini tidak sedang menunggu kelengkapan dari Anda.")
    note = _optional(note, "note")
    errors = {}
    renewed = {
        a.requirement
        for a in application.attachments.all()
        if application.waiting_since is None or a.attached_at >= application.waiting_since
    }
    for code in application.requested_documents:
        if code not in renewed:
            requirement = application.permit_type.requirement(code)
            name = requirement["name"] if requirement else code
            errors[code] = [f"Lampirkan {name} yang baru sesuai permintaan petugas."]
    try:
        check_complete(application)
    except ValidationError as exc:
        for code, messages in exc.message_dict.items():
            errors.setdefault(code, messages)
    if errors:
        raise ValidationError(errors)
    step = application.current_step
    with transaction.atomic():
        _move(
            application,
            Status.IN_REVIEW,
            actor=user,
            action="resubmitted",
            public_text=f"Pemohon telah melengkapi berkas; proses dilanjutkan: {step['name']}.",
            reason=note,
        )
    return application


def do_reject(actor, application, reason):
    """Refuse the permit, with the reason the applicant is told."""
    step = check_step_actor(actor, application, statuses=STEP_STATUSES)
    reason = _required(reason, "Alasan penolakan wajib diisi.")
    with transaction.atomic():
        _move(
            application,
            Status.REJECTED,
            actor=actor,
            action="rejected",
            public_text=f"Permohonan ditolak pada langkah '{step['name']}'.",
            reason=reason,
            outcome=StepRecord.Outcome.REJECTED,
            note=reason,
            decision_reason=reason,
        )
    return application


def check_withdraw(user, application):
    """Only the applicant withdraws, a submitted application before it is decided, or an approved one whose
    retribusi is unpaid (an approval nobody pays for must not stay open forever)."""
    check_applicant(user, application)
    if application.status == Status.DRAFT:
        raise IllegalMove("Draf belum diajukan; hapus saja drafnya.")
    if application.status == Status.APPROVED and application.is_paid():
        raise IllegalMove(
            "Retribusi permohonan ini sudah lunas dan izinnya diterbitkan; permohonan tidak dapat dibatalkan."
        )
    if application.status not in WITHDRAWABLE_STATUSES:
        raise IllegalMove(f"Permohonan berstatus '{application.get_status_display()}' tidak dapat dibatalkan lagi.")


def do_withdraw(user, application, reason=""):
    """The applicant withdraws: before the decision its step clock is cancelled; after approval, while the
    retribusi is unpaid, a payment waiting for confirmation is cancelled with the reason and no permit is issued."""
    check_withdraw(user, application)
    reason = _optional(reason, "reason")
    approved = application.status == Status.APPROVED
    with transaction.atomic():
        if approved:
            # The application's row first, then its payments: the order confirming a payment takes them in.
            _lock(application)
            if application.is_paid():
                raise IllegalMove("Retribusi permohonan ini baru saja dikonfirmasi; izinnya diterbitkan.")
            _cancel_pending_payments(user, application, reason)
        _move(
            application,
            Status.WITHDRAWN,
            actor=user,
            action="withdrawn",
            public_text="Permohonan dibatalkan oleh pemohon"
            + (" sebelum retribusi dibayar; izin tidak diterbitkan." if approved else "."),
            reason=reason,
            outcome=StepRecord.Outcome.WITHDRAWN,
            note=reason,
            decision_reason=reason,
            ended_at=timezone.now(),
        )
    return application


def _cancel_pending_payments(user, application, reason):
    failure = "Permohonan dibatalkan pemohon" + (f": {reason}" if reason else ".")
    for payment in Payment.objects.select_for_update().filter(application=application, status=Payment.Status.PENDING):
        Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.CANCELLED, failure_reason=failure)
        record(
            actor=user,
            obj=application,
            action="permit.payment_cancelled",
            after={"payment": payment.pk, "reference": payment.reference},
            reason=failure,
            public=True,
            public_text=f"Pembayaran dengan referensi {payment.reference} dibatalkan karena permohonan dibatalkan.",
        )


def do_delete_draft(user, application):
    check_applicant(user, application)
    if application.status != Status.DRAFT:
        raise IllegalMove("Hanya draf yang dapat dihapus; batalkan permohonan yang sudah diajukan.")
    with transaction.atomic():
        record(
            actor=user,
            obj=application,
            action="permit.draft_deleted",
            before={"permit_type": application.permit_type.code, "company": application.company_id},
        )
        application.delete()


# --- Approval, payment and issuance ------------------------------------------------------------


def do_approve_and_sign(actor, application):
    """The head of the issuing OPD approves and signs at the last step.

    With a retribusi to pay the application waits in 'approved' for the payment; without one the permit is
    issued at once (_issue: the signed certificate).
    """
    step = check_step_actor(actor, application)
    if not application.is_last_step:
        raise IllegalMove(
            f"Permohonan masih pada langkah '{step['name']}'; persetujuan dan penandatanganan adalah langkah terakhir."
        )
    due = application.fee_amount > 0
    with transaction.atomic():
        _move(
            application,
            Status.APPROVED,
            actor=actor,
            action="approved",
            public_text=f"Permohonan disetujui oleh {step['opd_name']}."
            + (" Silakan bayar retribusinya agar izin diterbitkan." if due else ""),
            template="permit_approved",
            context={"payment_instructions": get_backend().instructions(application) if due else ""},
            notify=due,  # without a fee the applicant hears of the issued permit a moment later
            outcome=StepRecord.Outcome.APPROVED,
            approved_by=actor,
        )
        if not due:
            _issue(application, actor)
    return application


def _issue(application, actor):
    """Issue the approved application's certificate and move it to 'issued'; call inside the transaction.

    The certificate belongs to the shared certificates app: certificates.actions.do_issue_certificate()
    numbers nothing itself (the number below is ours), signs the content with the city's key, and links
    the certificate to this application by a generic relation. The applicant is told by e-mail and SMS,
    with the download link.
    """
    permit_type = application.permit_type
    today = timezone.localdate(timezone.now(), application.city.zone)
    certificate = do_issue_certificate(
        case=application,
        number=certificate_number(application),
        title=permit_type.certificate_title,
        holder_name=application.holder_name(),
        holder_detail=holder_detail(application),
        fields=certificate_fields(application),
        issuer_name=permit_type.issuing_opd.name,
        signer=application.approved_by or actor,
        valid_from=today,
        valid_until=validity_end(today, permit_type.validity_months),
        actor=actor,
    )
    _move(
        application,
        Status.ISSUED,
        actor=actor,
        action="issued",
        public_text=f"Izin terbit: {permit_type.certificate_title} nomor {certificate.number}.",
        template="permit_issued",
        context={
            "certificate": certificate,
            "download_url": links.absolute(links.certificate_url(application)),
            "survey_url": links.absolute(links.survey_url(application)),
        },
        certificate=certificate,
        issued_at=timezone.now(),
    )
    return certificate


def certificate_number(application):
    """E.g. DPMPTSP/SIUP/2026/000123: issuing OPD, permit type, year and serial of the registration number."""
    opd = re.sub(r"[^A-Z0-9]+", "-", application.permit_type.issuing_opd.short_name.upper()).strip("-")
    _, year, serial = application.registration_number.split("-")
    return f"{opd}/{application.permit_type.short_name}/{year}/{serial}"


def holder_detail(application):
    if application.company_id:
        company = application.company
        return f"NIB {company.nib}; {company.address}; penanggung jawab {application.applicant.full_name}"
    return f"NIK {mask_nik(application.applicant.login_id)}"


def certificate_fields(application):
    """[label, value] pairs printed on the certificate: the type's chosen form answers, in order."""
    fields = {field["code"]: field for field in application.permit_type.form_fields}
    pairs = [["Nomor registrasi permohonan", application.registration_number]]
    for code in application.permit_type.certificate_fields:
        value = application.form_data.get(code)
        if value is None or value == "":
            continue
        pairs.append([fields[code]["label"], _printed(fields[code], value)])
    return pairs


def _printed(field, value):
    if field["type"] == "number":
        return f"{value:,}".replace(",", "X").replace(".", ",").replace("X", ".")
    if field["type"] == "date":
        return date_format(date.fromisoformat(value), "j F Y")
    return str(value)


def validity_end(start, months):
    """The last day of validity: the day before the same date `months` later (the month's last day when that
    date does not exist, e.g. one month from 31 January is valid through 28 February); None: no expiry."""
    if not months:
        return None
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if start.day > last_day:
        return date(year, month, last_day)
    return date(year, month, start.day) - timedelta(days=1)


def check_payment_officer(user, application):
    """Payments are confirmed by the issuing OPD (front office) or the city's finance agency (BPKPAD)."""
    access_application(user, application)
    _refuse_inspektorat(user)
    finance = application.city.opd_with_function("keuangan")
    allowed = {application.permit_type.issuing_opd_id, getattr(finance, "pk", None)}
    if not (user.is_officer and user.role in (Role.OFFICER, Role.HEAD) and user.opd_id in allowed):
        raise PermissionDenied(
            "Pembayaran retribusi dikonfirmasi petugas OPD penerbit izin atau badan keuangan daerah."
        )


def do_record_payment(user, application, reference):
    """The applicant records the reference of their payment; it waits for an officer's confirmation."""
    check_applicant(user, application)
    if application.status != Status.APPROVED:
        raise IllegalMove("Retribusi dibayar setelah permohonan disetujui.")
    live = application.payments.filter(status__in=[Payment.Status.PENDING, Payment.Status.PAID]).first()
    if live is not None:
        raise IllegalMove(f"Pembayaran dengan referensi {live.reference} sudah tercatat ({live.get_status_display()}).")
    backend = get_backend()
    reference = backend.clean_reference(reference)
    try:
        with transaction.atomic():
            _lock(application)  # not while it is being withdrawn
            payment = Payment.objects.create(
                application=application,
                amount=application.fee_amount,
                backend=backend.code,
                reference=reference,
            )
            record(
                actor=user,
                obj=application,
                action="permit.payment_recorded",
                after={"payment": payment.pk, "reference": reference, "amount": payment.amount},
                public=True,
                public_text="Pemohon mencatat pembayaran retribusi; menunggu konfirmasi petugas.",
            )
    except IntegrityError:
        raise IllegalMove("Pembayaran untuk permohonan ini sudah tercatat.") from None
    return payment


def do_confirm_payment(actor, payment):
    """The payment is in the treasury account: mark it paid and issue the permit."""
    application = payment.application
    check_payment_officer(actor, application)
    with transaction.atomic():
        _lock(application)  # the application's row first, then the payment's (as a withdrawal takes them)
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status != Payment.Status.PENDING:
            raise IllegalMove(f"Pembayaran ini berstatus '{locked.get_status_display()}'.")
        now = timezone.now()
        Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.PAID, paid_at=now, confirmed_by=actor)
        payment.status, payment.paid_at, payment.confirmed_by = Payment.Status.PAID, now, actor
        record(
            actor=actor,
            obj=application,
            action="permit.payment_confirmed",
            after={"payment": payment.pk, "reference": payment.reference, "amount": payment.amount},
            public=True,
            public_text="Pembayaran retribusi telah dikonfirmasi.",
        )
        _issue(application, actor)
    return payment


def do_reject_payment(actor, payment, reason):
    """The reference is not in the account statement: the applicant is told and may record another."""
    application = payment.application
    check_payment_officer(actor, application)
    reason = _required(reason, "Jelaskan mengapa pembayaran tidak dapat dikonfirmasi.")
    with transaction.atomic():
        updated = Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
            status=Payment.Status.FAILED, failure_reason=reason
        )
        if not updated:
            raise IllegalMove("Hanya pembayaran yang menunggu konfirmasi yang dapat ditolak.")
        payment.status, payment.failure_reason = Payment.Status.FAILED, reason
        record(
            actor=actor,
            obj=application,
            action="permit.payment_rejected",
            after={"payment": payment.pk, "reference": payment.reference},
            reason=reason,
            public=True,
            public_text=f"Pembayaran dengan referensi {payment.reference} tidak dapat dikonfirmasi.",
        )
        _tell_applicant(
            application,
            "permit_payment_rejected",
            {"payment": payment, "reason": reason, "payment_instructions": get_backend().instructions(application)},
        )
    return payment


def access_certificate(user, application):
    """The application's certificate, for whoever may see the application (a revoked one too: its QR code then
    verifies as revoked); 404 before it is issued."""
    access_application(user, application)
    if application.certificate is None:
        raise Http404("Sertifikat izin ini belum terbit.")
    return application.certificate


def check_revoker(user, application):
    """Only the head of the issuing OPD revokes, and only an issued permit."""
    access_application(user, application)
    _refuse_inspektorat(user)
    if not (user.role == Role.HEAD and user.opd_id == application.permit_type.issuing_opd_id):
        raise PermissionDenied(f"Izin hanya dapat dicabut oleh Kepala {application.permit_type.issuing_opd}.")
    if application.status != Status.ISSUED:
        raise IllegalMove("Hanya izin yang sudah terbit yang dapat dicabut.")


def do_revoke(actor, application, reason):
    """The head of the issuing OPD revokes an issued permit; its certificate then verifies as revoked."""
    check_revoker(actor, application)
    reason = _required(reason, "Alasan pencabutan wajib diisi.")
    with transaction.atomic():
        do_revoke_certificate(actor, application.certificate, reason)
        _move(
            application,
            Status.REVOKED,
            actor=actor,
            action="revoked",
            public_text="Izin dicabut.",
            reason=reason,
            decision_reason=reason,
            ended_at=timezone.now(),
        )
    return application


# --- SKM survey -------------------------------------------------------------------------------


def do_answer_survey(user, application, answers, comment=""):
    """The applicant's satisfaction survey (nine SKM elements, each 1–4), once, after the permit is issued."""
    check_applicant(user, application)
    if application.issued_at is None:
        raise IllegalMove("Survei kepuasan dapat diisi setelah izin terbit.")
    if SurveyResponse.objects.filter(application=application).exists():
        raise IllegalMove("Anda sudah mengisi survei kepuasan untuk permohonan ini. Terima kasih.")
    answers = answers or {}
    values, errors = {}, {}
    for n in range(1, 10):
        key = f"u{n}"
        raw = answers.get(key) if isinstance(answers, dict) else None
        try:
            value = int(raw) if not isinstance(raw, bool) else None
        except (TypeError, ValueError):
            value = None
        if value is None or not 1 <= value <= 4:
            errors[key] = ["Pilih salah satu jawaban (nilai 1 sampai 4)."]
        else:
            values[key] = value
    comment = (comment or "").strip()
    if len(comment) > 1000:
        errors["comment"] = ["Saran paling panjang 1000 karakter."]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(application=application, comment=comment, **values)
            record(actor=user, obj=application, action="permit.survey_answered", after={"survey": response.pk})
    except IntegrityError:
        raise IllegalMove("Anda sudah mengisi survei kepuasan untuk permohonan ini. Terima kasih.") from None
    return response


# --- Public tracking --------------------------------------------------------------------------


@dataclass(frozen=True)
class Tracking:
    """What anybody may know of an application by its registration number: no names, no data."""

    number: str
    status: str
    status_label: str
    step_name: str
    since: datetime


def track(number, city=None):
    """The public status of an application by its registration number, or None if there is none (or a draft)."""
    city = city or current_city()
    if city is None:
        return None
    application = (
        Application.objects.filter(city=city)
        .only("registration_number", "status", "workflow", "step_index", "step_started_at", "updated_at")
        .by_number(number)
    )
    if application is None:
        return None
    step = application.current_step
    return Tracking(
        number=application.registration_number,
        status=application.status,
        status_label=application.get_status_display(),
        step_name=step["name"] if step else "",
        since=application.step_started_at if step else application.updated_at,
    )


# --- helpers ----------------------------------------------------------------------------------


def _required(text, message, field="reason"):
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: [message]})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: [f"Paling panjang {MAX_TEXT} karakter."]})
    return text


def _optional(text, field):
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError({field: [f"Paling panjang {MAX_TEXT} karakter."]})
    return text


def catalogue(city=None):
    """The permit types a citizen can browse: active ones, online and counter-only alike."""
    city = city or current_city()
    return PermitType.objects.filter(city=city, active=True).select_related("issuing_opd", "technical_opd")
