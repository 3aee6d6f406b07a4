"""Certificates test helpers: the DPMPTSP cast and a certificate issued against a plain model instance.

Certificates know nothing about permits, so the tests issue them for a City (any saved
model instance is a case).
"""

from datetime import timedelta

import pytest
from django.db import transaction

from accounts.models import Role
from certificates import actions
from certificates.dates import city_today
from conftest import make_officer, opd

NUMBER = "DPMPTSP/SIUP/2026/000123"


@pytest.fixture
def rina(city):
    """Head of DPMPTSP: signs permits."""
    return make_officer("198104212006042007", "Rina Wati Harahap", opd(city, "dpmptsp"), Role.HEAD)


@pytest.fixture
def yusuf(city):
    """Front-office officer of DPMPTSP."""
    return make_officer("199405052019031008", "Yusuf Lubis", opd(city, "dpmptsp"), Role.OFFICER)


SIGNER = object()


def issue(case, signer, *, actor=SIGNER, **overrides):
    """A SIUP for CV Sinar Jaya, valid a year from today, issued inside a transaction as a caller would.

    The actor is the signer unless given (None: the system).
    """
    today = city_today()
    values = dict(
        case=case,
        number=NUMBER,
        title="Surat Izin Usaha Perdagangan",
        holder_name="Siti Aminah",
        holder_detail="Pemilik CV Sinar Jaya, NIK 127501**********",
        fields=[
            ["Nama perusahaan", "CV Sinar Jaya"],
            ["Alamat usaha", "Jl. Sudirman No. 12, Kel. Tangsi, Kec. Binjai Kota"],
            ["Kelembagaan", "Pedagang eceran"],
            ["Modal usaha", 150000000],
        ],
        issuer_name="Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Binjai",
        signer=signer,
        valid_from=today,
        valid_until=today + timedelta(days=365),
        actor=signer if actor is SIGNER else actor,
    )
    values.update(overrides)
    with transaction.atomic():
        return actions.do_issue_certificate(**values)


@pytest.fixture
def certificate(city, rina):
    return issue(city, rina)
