"""e-Perizinan's cast and helpers.

Besides the root cast (Siti applies; Budi and Hendra are Dinas PUPR, the technical OPD of building
permits; Dewi is DLH, Irma the Inspektorat, Andi another citizen): Fajar and Gilang work at the DPMPTSP
front office, Rahmat heads the DPMPTSP and signs permits, Nurul and Yanti are the Dinas Kesehatan
officer and head for practice permits, Lina confirms payments at the BPKPAD.
"""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Role
from conftest import make_officer, opd
from permits import actions
from permits.models import PermitType

SIUP_FORM = {
    "nama_usaha": "Toko Sembako Siti",
    "kbli": "47111",
    "barang_dagangan": "Beras, gula, minyak goreng",
    "modal_usaha": 25000000,
    "alamat_usaha": "Jl. Sudirman No. 12, Kel. Tangsi, Binjai Kota",
}
PBG_FORM = {
    "fungsi_bangunan": "Hunian",
    "alamat_bangunan": "Jl. Gatot Subroto No. 7, Kel. Limau Sundai",
    "luas_lantai": 120,
    "jumlah_lantai": 2,
    "nomor_sertifikat": "SHM 01234/Limau Sundai",
}


def pdf_bytes(text="Dokumen uji", padding=0):
    body = f"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {text}\n".encode() + b"0" * padding
    return body + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name="dokumen.pdf", text="Dokumen uji", padding=0):
    return SimpleUploadedFile(name, pdf_bytes(text, padding), content_type="application/pdf")


def image(name="foto.jpg", image_format="JPEG", colour=(120, 110, 100)):
    buffer = BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, image_format)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png"}[image_format]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


@pytest.fixture
def fajar(city):
    return make_officer(
        "198707142011011002", "Fajar Nugroho", opd(city, "dpmptsp"), Role.OFFICER, phone="+6281300000011"
    )


@pytest.fixture
def gilang(city):
    return make_officer(
        "199111112016011006", "Gilang Ramadhan", opd(city, "dpmptsp"), Role.OFFICER, phone="+6281300000013"
    )


@pytest.fixture
def rahmat(city):
    return make_officer(
        "197204101998031005",
        "Rahmat Hidayat",
        opd(city, "dpmptsp"),
        Role.HEAD,
        phone="+6281300000012",
        email="rahmat@dpmptsp.example.org",
    )


@pytest.fixture
def nurul(city):
    return make_officer("198911202014022001", "dr. Nurul Aini", opd(city, "dinkes"), Role.OFFICER)


@pytest.fixture
def yanti(city):
    return make_officer("197812052003122003", "dr. Yanti Ginting", opd(city, "dinkes"), Role.HEAD)


@pytest.fixture
def lina(city):
    return make_officer("199002282015032004", "Lina Marpaung", opd(city, "bpkpad"), Role.OFFICER)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def permit_type(city, code):
    return PermitType.objects.get(city=city, code=code)


def upload(user, kind="pdf", name=None, text=None):
    """One of the user's documents, uploaded through the action (each call makes different content)."""
    upload.counter = getattr(upload, "counter", 0) + 1
    if kind == "pdf":
        file = pdf(name or "dokumen.pdf", text or f"dokumen {upload.counter}")
    else:
        shade = (upload.counter * 7 % 256, 90, 60)
        file = image(name or f"foto.{kind}", "PNG" if kind == "png" else "JPEG", shade)
    return actions.do_upload_document(user, file, name=name or "")


def draft(user, city, code="siup", *, form=None, company=None, documents=True):
    """A draft of `code` with the given (default: complete) answers and every required document attached."""
    kind = permit_type(city, code)
    defaults = {"siup": SIUP_FORM, "pbg": PBG_FORM}.get(code, {})
    application = actions.do_save_draft(user, kind, form_data=form if form is not None else defaults, company=company)
    if documents:
        for requirement in application.permit_type.documents_for(application.applicant_kind()):
            if requirement.get("required", True):
                fmt = requirement["formats"][0]
                document = upload(user, fmt, name=f"{requirement['code']}.{fmt}")
                actions.do_attach_document(user, application, requirement["code"], document)
    return application


def submitted(user, city, code="siup", **options):
    application = draft(user, city, code, **options)
    return actions.do_submit(user, application)


@pytest.fixture
def siup(siti, city, media):
    """Siti's SIUP, just submitted: at the DPMPTSP front office, unclaimed."""
    return submitted(siti, city, "siup")


def issue(application, front_office, head):
    """Take a free, two-step application (SIUP) through the front office and the head's signature."""
    actions.do_forward(front_office, application)
    actions.do_approve_and_sign(head, application)
    application.refresh_from_db()
    return application


@pytest.fixture
def issued_siup(siti, city, media, fajar, rahmat):
    """Another SIUP of Siti's, issued."""
    return issue(submitted(siti, city, "siup"), fajar, rahmat)
