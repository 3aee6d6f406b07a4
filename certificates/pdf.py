"""A certificate as PDF: the HTML template certificates/certificate.html rendered by xhtml2pdf.

xhtml2pdf is pure Python (on reportlab), so rendering needs no system libraries; it
understands a subset of CSS 2, which is all a plain official layout needs.
"""

import io

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from xhtml2pdf import pisa

from certificates.dates import city_date, verification_url
from cities.models import current_city


class PdfError(Exception):
    """The PDF could not be rendered (a fault in the template, never in the certificate's data)."""


def render_pdf(certificate):
    """The certificate as PDF bytes, with a QR code that opens its verification page."""
    with translation.override("id"):
        html = render_to_string("certificates/certificate.html", _context(certificate))
    output = io.BytesIO()
    result = pisa.CreatePDF(html, dest=output, encoding="utf-8")
    if result.err:
        raise PdfError(f"xhtml2pdf reported {result.err} error(s) rendering certificate {certificate.number}.")
    return output.getvalue()


def _context(certificate):
    url = verification_url(certificate)
    city = current_city()
    city_name = city.name if city is not None else ""
    return {
        "certificate": certificate,
        "city_name": city_name,
        "place": city_name.removeprefix("Kota ").removeprefix("Kabupaten "),
        "signed_on": city_date(certificate.signed_at),
        "revoked_on": city_date(certificate.revoked_at) if certificate.revoked_at else None,
        "verification_url": url,
        "verification_page": settings.SITE_URL + reverse("certificates:form"),
        "qr_data_uri": segno.make(url, error="m").png_data_uri(scale=4, border=2),
        "fingerprint": " ".join(certificate.key_id[i : i + 4] for i in range(0, len(certificate.key_id), 4)),
    }
