"""What can happen to a certificate: issued (signed), verified by anyone, revoked with a reason.

The service that issues a certificate (e.g. e-Perizinan) decides *whether* it may be
issued or revoked and who may do it; these functions check only what a certificate
itself needs (well-formed content, an officer acting, a reason for revoking) and
write the audit event in the same transaction as the change.
"""

import base64
import datetime
import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from audit.events import record
from certificates.dates import city_date, city_today, indonesian_date, verification_url
from certificates.keys import public_pem, signing_key
from certificates.models import NUMBER_MAX_LENGTH, Certificate, normalize_number
from certificates.pdf import render_pdf
from certificates.signing import sign, signature_matches

__all__ = [
    "IllegalMove",
    "VerificationResult",
    "do_issue_certificate",
    "do_revoke_certificate",
    "verify",
    "render_pdf",
    "verification_url",
    "public_key_pem",
]

MAX_FIELDS = 50
MAX_LABEL = 200
MAX_VALUE = 1000
MAX_REASON = 1000
CODE_MAX_LENGTH = 64


class IllegalMove(Exception):
    """A change the certificate's state does not allow (revoking twice); answered with HTTP 409."""


# --- Issuing ---------------------------------------------------------------------------------------


def do_issue_certificate(
    *,
    case,
    number,
    title,
    holder_name,
    holder_detail,
    fields,
    issuer_name,
    signer,
    valid_from,
    valid_until,
    actor,
):
    """Sign and store a certificate for `case` (any saved model instance); returns the Certificate.

    Runs inside the caller's transaction (the case's own move to "issued"), like audit.record:
    the certificate, its audit event and the case's change commit together or not at all.

    - number: unique, given by the caller (e.g. "DPMPTSP/SIUP/2026/000123"); stored in upper case.
    - fields: [[label, value], ...] printed on the certificate in order; values may be text,
      numbers or dates.
    - signer: the officer whose name and title the certificate carries (their OPD gives the title).
    - valid_from / valid_until: dates; valid_until None = no expiry.
    - actor: who issues it (an officer), or None when the system does (e.g. after a payment).
      Whether they may is the caller's check.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("do_issue_certificate() must run inside the transaction of the case that issues it.")
    if actor is not None and not (actor.is_authenticated and actor.is_officer):
        raise PermissionDenied("Sertifikat hanya diterbitkan oleh petugas atau oleh sistem.")
    if getattr(case, "pk", None) is None:
        raise ValueError("case must be a saved model instance.")
    values = _check_content(
        number=number,
        title=title,
        holder_name=holder_name,
        holder_detail=holder_detail,
        fields=fields,
        issuer_name=issuer_name,
        signer=signer,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    certificate = Certificate(
        **values,
        signer=signer,
        signer_name=signer.full_name,
        signer_title=signer_title(signer),
        signed_at=timezone.now().replace(microsecond=0),
        content_type=ContentType.objects.get_for_model(case),
        object_id=str(case.pk),
        verification_code=new_verification_code(),
    )
    certificate.key_id, certificate.signature = sign(certificate.canonical_content())
    try:
        with transaction.atomic():  # a savepoint: a duplicate number must not break the caller's transaction
            certificate.save(force_insert=True)
    except IntegrityError:
        raise ValidationError({"number": [f"Nomor sertifikat {certificate.number} sudah dipakai."]}) from None
    record(
        actor=actor,
        obj=certificate,
        action="certificate.issued",
        after={
            "number": certificate.number,
            "title": certificate.title,
            "holder_name": certificate.holder_name,
            "case": f"{certificate.content_type.app_label}.{certificate.content_type.model}:{certificate.object_id}",
            "signer": signer.pk,
            "valid_from": certificate.valid_from.isoformat(),
            "valid_until": certificate.valid_until.isoformat() if certificate.valid_until else None,
            "key_id": certificate.key_id,
        },
        public=True,
        public_text=f"{certificate.title} nomor {certificate.number} diterbitkan dan ditandatangani secara elektronik.",
    )
    return certificate


def _check_content(*, number, title, holder_name, holder_detail, fields, issuer_name, signer, valid_from, valid_until):
    errors = {}
    cleaned = {"number": normalize_number(number)}
    if cleaned["number"] is None:
        errors["number"] = [
            f"Nomor sertifikat harus 1–{NUMBER_MAX_LENGTH} karakter huruf, angka, '/', '.', '-' atau '_' "
            "(contoh DPMPTSP/SIUP/2026/000123)."
        ]
    elif Certificate.objects.filter(number=cleaned["number"]).exists():
        errors["number"] = [f"Nomor sertifikat {cleaned['number']} sudah dipakai."]
    for name, value, label, maximum, required in [
        ("title", title, "Judul sertifikat", 200, True),
        ("holder_name", holder_name, "Nama pemegang", 200, True),
        ("holder_detail", holder_detail, "Keterangan pemegang", 300, False),
        ("issuer_name", issuer_name, "Nama OPD penerbit", 200, True),
    ]:
        text = value.strip() if isinstance(value, str) else ""
        if value is not None and not isinstance(value, str):
            errors[name] = [f"{label} harus berupa teks."]
        elif required and not text:
            errors[name] = [f"{label} wajib diisi."]
        elif len(text) > maximum:
            errors[name] = [f"{label} paling panjang {maximum} karakter."]
        cleaned[name] = text
    try:
        cleaned["fields"] = _check_fields(fields)
    except ValidationError as exc:
        errors["fields"] = exc.messages
    if not (getattr(signer, "is_authenticated", False) and signer.is_officer and signer.is_active):
        errors["signer"] = ["Penanda tangan harus petugas yang aktif."]
    if not _is_date(valid_from):
        errors["valid_from"] = ["Tanggal mulai berlaku wajib diisi (tanggal)."]
    if valid_until is not None and not _is_date(valid_until):
        errors["valid_until"] = ["Tanggal akhir berlaku harus berupa tanggal, atau kosong bila tanpa batas waktu."]
    elif valid_until is not None and _is_date(valid_from) and valid_until < valid_from:
        errors["valid_until"] = ["Tanggal akhir berlaku tidak boleh sebelum tanggal mulai berlaku."]
    elif valid_until is not None and valid_until < city_today():
        errors["valid_until"] = ["Masa berlaku sudah lewat; sertifikat yang sudah kedaluwarsa tidak dapat diterbitkan."]
    if errors:
        raise ValidationError(errors)
    cleaned["valid_from"], cleaned["valid_until"] = valid_from, valid_until
    return cleaned


def _is_date(value):
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def _check_fields(fields):
    """[[label, value], ...] → a list of [str, str] pairs; ValidationError with what is wrong."""
    if fields is None:
        return []
    if not isinstance(fields, list | tuple):
        raise ValidationError("Isian sertifikat harus berupa daftar pasangan [label, nilai].")
    if len(fields) > MAX_FIELDS:
        raise ValidationError(f"Paling banyak {MAX_FIELDS} isian pada satu sertifikat.")
    cleaned = []
    for position, pair in enumerate(fields, start=1):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValidationError(f"Isian ke-{position} harus berupa pasangan [label, nilai].")
        label, value = pair
        label = label.strip() if isinstance(label, str) else ""
        if not label or len(label) > MAX_LABEL:
            raise ValidationError(f"Label isian ke-{position} wajib diisi, paling panjang {MAX_LABEL} karakter.")
        text = _field_text(value)
        if text is None:
            raise ValidationError(f"Nilai isian '{label}' harus berupa teks, angka atau tanggal.")
        if len(text) > MAX_VALUE:
            raise ValidationError(f"Nilai isian '{label}' paling panjang {MAX_VALUE} karakter.")
        cleaned.append([label, text])
    return cleaned


def _field_text(value):
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return format(value, "g")
    if _is_date(value):
        return indonesian_date(value)
    return None


def signer_title(user):
    """The title printed under the signer's name, from their role and OPD (e.g. "Kepala Dinas …")."""
    opd_name = user.opd.name if user.opd_id else ""
    if user.role == Role.HEAD and opd_name:
        return f"Kepala {opd_name}"
    role = Role(user.role).label if user.role in Role.values else "Petugas"
    return f"{role}, {opd_name}" if opd_name else role


def new_verification_code():
    """16 characters of base32 (80 random bits): unguessable, and easy to read out or type from paper."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii")


# --- Revoking --------------------------------------------------------------------------------------


def do_revoke_certificate(actor, certificate, reason):
    """Revoke a certificate, with the reason shown on its verification page; audited.

    Who may revoke is the caller's check (e.g. e-Perizinan: the head of the issuing OPD); here
    the actor must only be an officer. Joins the caller's transaction if there is one.
    """
    if actor is None or not actor.is_authenticated or not actor.is_officer:
        raise PermissionDenied("Hanya petugas yang dapat mencabut sertifikat.")
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError({"reason": ["Alasan pencabutan wajib diisi."]})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": [f"Alasan pencabutan paling panjang {MAX_REASON} karakter."]})
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at is not None:
            raise IllegalMove(
                f"Sertifikat {locked.number} sudah dicabut pada {indonesian_date(city_date(locked.revoked_at))}."
            )
        now = timezone.now()
        Certificate.objects.filter(pk=locked.pk).update(revoked_at=now, revoked_by=actor, revoked_reason=reason)
        certificate.revoked_at, certificate.revoked_by, certificate.revoked_reason = now, actor, reason
        record(
            actor=actor,
            obj=certificate,
            action="certificate.revoked",
            before={"revoked_at": None},
            after={"revoked_at": now.isoformat(), "revoked_by": actor.pk},
            reason=reason,
            public=True,
            public_text=f"Sertifikat {certificate.number} dicabut.",
        )
    return certificate


# --- Verifying -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerificationResult:
    """status: "valid" | "expired" | "revoked" | "unknown" | "invalid".

    `certificate` is set when its content can be trusted (every status but "unknown" and a
    tampered record), so a page can show what the genuine certificate says.
    """

    status: str
    certificate: Certificate | None
    message: str
    number: str = ""

    LABELS = {
        "valid": "Asli dan berlaku",
        "expired": "Kedaluwarsa",
        "revoked": "Dicabut",
        "unknown": "Tidak dikenal",
        "invalid": "Tidak sah",
    }

    @property
    def label(self):
        return self.LABELS[self.status]


def verify(number, code=None, *, today=None):
    """What a certificate number (and, from the QR code, its verification code) proves.

    Never raises on bad input: anything that is not a known number is "unknown". `today` is
    the city's date by default (certificates expire by the city's calendar).
    """
    normalized = normalize_number(number)
    if normalized is None:
        return VerificationResult(
            "unknown",
            None,
            "Nomor sertifikat tidak dikenal. Periksa kembali penulisannya (contoh: DPMPTSP/SIUP/2026/000123).",
        )
    certificate = Certificate.objects.filter(number=normalized).first()
    if certificate is None:
        return VerificationResult(
            "unknown",
            None,
            f"Sertifikat nomor {normalized} tidak terdaftar: dokumen dengan nomor ini tidak diterbitkan melalui "
            "layanan ini. Periksa kembali penulisan nomornya; bila sudah benar, dokumen tersebut tidak sah.",
            normalized,
        )
    if not signature_matches(certificate):
        return VerificationResult(
            "invalid",
            None,
            f"Data sertifikat nomor {normalized} tidak cocok dengan tanda tangan elektroniknya, sehingga isinya "
            "tidak dapat dipercaya. Jangan menerima dokumen ini; laporkan kepada instansi penerbit.",
            normalized,
        )
    code_given = code not in (None, "")
    if code_given and not _code_matches(certificate, code):
        return VerificationResult(
            "invalid",
            certificate,
            f"Kode verifikasi pada kode QR tidak cocok dengan sertifikat nomor {normalized}. Dokumen ini tidak sah "
            "(kemungkinan dipalsukan). Isi sertifikat asli dengan nomor ini tertera di bawah.",
            normalized,
        )
    code_note = " Kode verifikasi dari kode QR cocok." if code_given else ""
    if certificate.revoked_at is not None:
        return VerificationResult(
            "revoked",
            certificate,
            f"Sertifikat ini asli, tetapi telah dicabut pada {indonesian_date(city_date(certificate.revoked_at))}. "
            f"Alasan: {certificate.revoked_reason}",
            normalized,
        )
    today = today or city_today()
    if certificate.valid_until is not None and certificate.valid_until < today:
        return VerificationResult(
            "expired",
            certificate,
            "Sertifikat ini asli, tetapi masa berlakunya telah berakhir pada "
            f"{indonesian_date(certificate.valid_until)}.{code_note}",
            normalized,
        )
    if certificate.valid_until is None:
        validity = "berlaku tanpa batas waktu"
    else:
        validity = f"berlaku sampai {indonesian_date(certificate.valid_until)}"
    if certificate.valid_from > today:
        validity += f", mulai {indonesian_date(certificate.valid_from)}"
    return VerificationResult(
        "valid",
        certificate,
        f"Sertifikat ini asli dan {validity}.{code_note} "
        "Cocokkan isi dokumen yang Anda pegang dengan data di bawah ini.",
        normalized,
    )


def _code_matches(certificate, code):
    if not isinstance(code, str) or len(code) > CODE_MAX_LENGTH:
        return False
    given = code.strip().upper().encode("utf-8")
    return hmac.compare_digest(given, certificate.verification_code.encode("ascii"))


def public_key_pem():
    """The public key in force, then those of retired keys (their certificates still verify), in PEM."""
    return "".join(public_pem(key) for key in (signing_key(), *settings.CERTIFICATE_RETIRED_KEYS))
