"""e-Masyarakat test helpers: photos made on the spot, places inside and outside Binjai."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cities.models import Kelurahan

TANGSI_POINT = (3.6005, 98.4858)  # Kelurahan Tangsi, Binjai Kota
MEDAN_POINT = (3.5952, 98.6722)  # Medan: outside Binjai


def photo(name="jalan.jpg", image_format="JPEG", size=(640, 480), exif=None):
    buffer = BytesIO()
    image = Image.new("RGB", size, (120, 110, 100))
    options = {"exif": exif} if exif is not None else {}
    image.save(buffer, image_format, **options)
    content_types = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_types[image_format])


@pytest.fixture
def tangsi(city):
    return Kelurahan.objects.get(name="Tangsi", kecamatan__city=city)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def submit(reporter, kelurahan, *, intake=True, **overrides):
    """Siti's (or anyone's) damaged-road report in Tangsi, with a photo, through reports.actions.

    With intake (the default) the worker's intake has run too, so the report is 'received'.
    """
    from reports import actions

    values = dict(
        reporter=reporter,
        category_code="jalan-rusak",
        description="Lubang besar di Jalan Tangsi depan sekolah, sudah dua minggu.",
        kelurahan_id=kelurahan.pk,
        lat=TANGSI_POINT[0],
        lon=TANGSI_POINT[1],
        photos=[photo()],
        attributes={"tingkat_kerusakan": "sedang"},
    )
    values.update(overrides)
    report = actions.do_submit_report(**values)
    if intake:
        receive(report)
    return report


def receive(report):
    """What the worker does moments after a submission: the intake moves it to 'received'."""
    from reports import actions

    actions.receive_submissions()
    report.refresh_from_db()
    return report
