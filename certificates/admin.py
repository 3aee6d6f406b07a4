"""Certificates in the admin: to read only.

A certificate is signed when issued and never edited; revoking one goes through
certificates.actions.do_revoke_certificate, called by the service that issued it
(so that its case follows: an e-Perizinan permit becomes "revoked" together with its
certificate). The verification code stays off these pages.
"""

from django.contrib import admin

from certificates.models import Certificate
from core.admin import ReadOnlyAdmin


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "holder_name", "issuer_name", "signed_at", "valid_until", "revoked_at"]
    list_filter = ["title", "issuer_name", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["=number", "holder_name"]
    date_hierarchy = "signed_at"
    list_select_related = ["content_type"]
    show_full_result_count = False
    fields = [
        "number",
        "title",
        "holder_name",
        "holder_detail",
        "fields",
        "issuer_name",
        "signer_name",
        "signer_title",
        "signed_at",
        "valid_from",
        "valid_until",
        "content_type",
        "object_id",
        "key_id",
        "signature",
        "revoked_at",
        "revoked_by",
        "revoked_reason",
    ]
