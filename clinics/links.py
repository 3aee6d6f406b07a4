"""Where e-Dokter's pages live, for "my cases" and the links in messages.

The citizen's appointment page is `clinics:appointment` (/dokter/saya/<booking code>/); messages carry
the booking code itself as well, so a patient without the link can still show it at the desk.
"""

from django.conf import settings
from django.urls import reverse


def appointment_url(appointment):
    return reverse("clinics:appointment", args=[appointment.booking_code])


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path if path else ""
