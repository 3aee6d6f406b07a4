"""The admin shows certificates to read; it never edits, adds, deletes or revokes them."""

from django.urls import reverse

from accounts.models import User
from conftest import PASSWORD


def test_the_admin_lists_and_shows_certificates_read_only(certificate, client):
    admin = User.objects.create_superuser("197001012000011001", PASSWORD, full_name="Admin Kota")
    client.force_login(admin)

    listing = client.get(reverse("admin:certificates_certificate_changelist"), {"q": certificate.number})
    detail = client.get(reverse("admin:certificates_certificate_change", args=[certificate.pk]))

    assert listing.status_code == 200 and certificate.number in listing.content.decode()
    assert detail.status_code == 200
    page = detail.content.decode()
    assert certificate.signature in page
    assert certificate.verification_code not in page
    assert 'name="_save"' not in page and "deletelink" not in page
    assert client.get(reverse("admin:certificates_certificate_add")).status_code == 403
    assert client.get(reverse("admin:certificates_certificate_delete", args=[certificate.pk])).status_code == 403
    response = client.post(
        reverse("admin:certificates_certificate_change", args=[certificate.pk]),
        {"revoked_reason": "Dicabut lewat admin", "holder_name": "Andi Saputra"},
    )
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and certificate.holder_name == "Siti Aminah"
