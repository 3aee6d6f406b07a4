"""Dates as the city sees them (its own time zone), written the Indonesian way, and the QR link."""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation

from cities.models import current_city


def _city_zone():
    city = current_city()
    return city.zone if city is not None else timezone.get_default_timezone()


def city_today():
    return timezone.now().astimezone(_city_zone()).date()


def city_date(moment):
    return moment.astimezone(_city_zone()).date()


def indonesian_date(value):
    """5 Maret 2026."""
    with translation.override("id"):
        return formats.date_format(value, "j F Y")


def verification_url(certificate):
    """The public verification page with the certificate's code: what the QR code on the paper opens."""
    path = reverse("certificates:verify", args=[certificate.number])
    return f"{settings.SITE_URL}{path}?kode={certificate.verification_code}"
