"""Documents the city issues (permits, letters): signed, verifiable by number or QR code, revocable.

A certificate knows nothing about the service that issued it: the issuing case is
a generic relation. Its content (`signed_content()`) is signed with the city's
Ed25519 key when it is issued and never changes afterwards; revocation only adds
the revoked_* fields, which are not part of the signed content.
"""

import json
import re
from datetime import UTC

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

# Certificate numbers: upper-case letters, digits and / . - _ (e.g. DPMPTSP/SIUP/2026/000123).
NUMBER_MAX_LENGTH = 100
NUMBER_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9/._-]*")
CONTENT_VERSION = 1


def normalize_number(value):
    """A typed or scanned number as stored (trimmed, upper case), or None if it cannot be a certificate number."""
    if not isinstance(value, str):
        return None
    number = value.strip().upper()
    if not number or len(number) > NUMBER_MAX_LENGTH or not NUMBER_PATTERN.fullmatch(number):
        return None
    return number


class Certificate(models.Model):
    number = models.CharField("nomor", max_length=NUMBER_MAX_LENGTH, unique=True)
    title = models.CharField("judul", max_length=200)
    holder_name = models.CharField("nama pemegang", max_length=200)
    holder_detail = models.CharField("keterangan pemegang", max_length=300, blank=True)
    # [[label, value], ...] as printed on the certificate, in order.
    fields = models.JSONField("isian", default=list, blank=True)
    issuer_name = models.CharField("penerbit (OPD)", max_length=200)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="certificates_signed",
        verbose_name="penanda tangan (akun)",
    )
    signer_name = models.CharField("nama penanda tangan", max_length=150)
    signer_title = models.CharField("jabatan penanda tangan", max_length=300)
    signed_at = models.DateTimeField("ditandatangani")
    valid_from = models.DateField("berlaku mulai")
    valid_until = models.DateField("berlaku sampai", null=True, blank=True, help_text="Kosong: tanpa batas waktu")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    case = GenericForeignKey("content_type", "object_id")
    # In the QR code's link; proves that a paper carries the genuine code, not just a known number.
    verification_code = models.CharField("kode verifikasi", max_length=32)
    key_id = models.CharField("sidik jari kunci", max_length=64)
    signature = models.CharField("tanda tangan elektronik", max_length=128, help_text="Ed25519, base64")
    revoked_at = models.DateTimeField("dicabut", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates_revoked",
        verbose_name="dicabut oleh",
    )
    revoked_reason = models.TextField("alasan pencabutan", blank=True)

    class Meta:
        verbose_name = "sertifikat"
        verbose_name_plural = "sertifikat"
        indexes = [models.Index(fields=["content_type", "object_id"], name="certificate_case_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="certificate_valid_until_after_from",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revoked_reason=""),
                name="certificate_revocation_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.title} {self.number}"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def signed_content(self):
        """What the signature covers, as a dict: everything printed on the certificate, nothing else."""
        return {
            "v": CONTENT_VERSION,
            "number": self.number,
            "title": self.title,
            "holder_name": self.holder_name,
            "holder_detail": self.holder_detail,
            "fields": self.fields,
            "issuer_name": self.issuer_name,
            "signer_name": self.signer_name,
            "signer_title": self.signer_title,
            "signed_at": self.signed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
        }

    def canonical_content(self):
        """The bytes that are signed: the content as JSON with sorted keys, no spaces, UTF-8."""
        return canonical_json(self.signed_content())


def canonical_json(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
