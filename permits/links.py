"""Where e-Perizinan's pages live, for links in notifications, deadline clocks and "my cases".

The web pages (permits/urls.py, built with the views) are routed at exactly these paths; these functions
are the one place that spells them out, so messages already sent keep working when the views change.
"""

from django.conf import settings

BASE = "/izin/"


def applicant_url(application):
    """The applicant's page of their application (a draft by its id, otherwise by its registration number)."""
    if application.registration_number:
        return f"{BASE}saya/{application.registration_number}/"
    return f"{BASE}saya/draf/{application.pk}/"


def officer_url(application):
    return f"{BASE}petugas/{application.registration_number}/"


def certificate_url(application):
    """The applicant's download of their permit's PDF certificate."""
    return f"{applicant_url(application)}sertifikat.pdf"


def survey_url(application):
    return f"{applicant_url(application)}survei/"


def tracking_url(number):
    return f"{BASE}lacak/?nomor={number}"


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path
