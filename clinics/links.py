"""Where e-Dokter's pages live, for "my cases" and the links in messages.

The citizen's appointment page is named `clinics:appointment` (argument: the booking code). Until the
pages are installed the URL cannot be reversed and the link is left out ("my cases" then shows the
booking code without a link); messages always carry the booking code itself.
"""

from django.conf import settings
from django.urls import NoReverseMatch, reverse


def appointment_url(appointment):
    try:
        return reverse("clinics:appointment", args=[appointment.booking_code])
    except NoReverseMatch:
        return ""


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path if path else ""
