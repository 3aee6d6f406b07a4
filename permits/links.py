"""Where e-Perizinan's pages live, for links in notifications, deadline clocks and "my cases"."""

from django.conf import settings
from django.urls import reverse


def applicant_url(application):
    """The applicant's page of their application (a draft by its id, otherwise by its registration number)."""
    if application.registration_number:
        return reverse("permits:detail", args=[application.registration_number])
    return reverse("permits:draft", args=[application.pk])


def officer_url(application):
    return reverse("permits_officer:detail", args=[application.registration_number])


def certificate_url(application):
    """The applicant's download of their permit's PDF certificate."""
    return reverse("permits:certificate", args=[application.registration_number])


def survey_url(application):
    return reverse("permits:survey", args=[application.registration_number])


def tracking_url(number):
    return f"{reverse('permits:track')}?nomor={number}"


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path
