"""e-Perizinan demo data for Binjai: a dozen applications at every stage, so each page has something to show.

Every application goes through permits.actions like a real one (documents uploaded and attached,
registration number, audit events, step clocks, notifications, certificate), played by the demo users of
accounts.demo: the DPMPTSP front office and head, the technical OPDs' officers and heads, the BPKPAD.
Afterwards the application's own dates and its live step clock are set back to when the story says it
happened, so queues, tracking and the Command Center look like weeks of use: one SIUP has sat at the
front office past its 1×24-hour deadline and is escalated by the scan at the end. The audit trail and
the certificates are never rewritten: they carry the moment the demo was loaded.

Idempotent: a demo application is recognised by its applicant and permit type and is not filed twice.
The documents are drawn on the spot (PDFs with reportlab, photos with Pillow) and marked as examples.
Rina, the demo citizen, can log in and finds her own applications in every state.
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta
from io import BytesIO

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from accounts.demo import DEMO_CITIZEN_NAME, demo_nik, demo_nip
from accounts.models import Role, User
from accounts.nik import check_nik_for_city
from deadlines import clock
from deadlines.clock import NEAR_FRACTION
from deadlines.scanner import scan
from permits import actions
from permits.models import Application, Payment, Status, StepRecord

RINA = DEMO_CITIZEN_NAME
# Applicants besides Rina: (name, NIK after the city prefix: kecamatan, birth date (+40 for women), serial).
OTHER_APPLICANTS = {
    "Hendri Tarigan": "031503800201",
    "Maya Sembiring": "046208910202",
    "Rudi Hartono": "052011750203",
    "Lestari Ginting": "014104870204",
    "dr. Sarah Nainggolan": "025706900205",
}

SIUP = {
    "nama_usaha": "Toko Kelontong Berkah",
    "kbli": "47111",
    "barang_dagangan": "Sembako dan kebutuhan rumah tangga",
    "modal_usaha": 35000000,
    "alamat_usaha": "Jl. Sudirman No. 45, Kel. Tangsi, Binjai Kota",
}


@dataclass(frozen=True)
class DemoApplication:
    applicant: str
    permit_type: str
    form: dict
    # Where the story ends: "draft"; "step" (resting at step `step`, claimed or not); "waiting" (at `step`,
    # documents asked for); "rejected" (at `step`); "approved" (fee due); "paid" (payment recorded, not yet
    # confirmed); "issued".
    outcome: str
    days_ago: float  # when it was submitted
    step: int = 0
    claimed: bool = False
    company: dict | None = None
    reason: str = ""
    payment_reference: str = ""
    survey: tuple = ()
    late: bool = False
    findings: dict = field(default_factory=dict)


BINJAI = [
    DemoApplication(RINA, "siup", SIUP, "issued", days_ago=12, survey=(4, 4, 4, 4, 3, 4, 4, 3, 3)),
    DemoApplication(
        RINA,
        "pbg",
        {
            "fungsi_bangunan": "Hunian",
            "alamat_bangunan": "Jl. Gatot Subroto Gg. Mawar No. 3, Kel. Limau Sundai",
            "luas_lantai": 96,
            "jumlah_lantai": 2,
            "nomor_sertifikat": "SHM 00871/Limau Sundai",
            "rencana_mulai": "2027-02-01",
        },
        "step",
        days_ago=4,
        step=1,
        claimed=True,
    ),
    DemoApplication(
        RINA,
        "sip-bidan",
        {
            "jenis_praktik": "Praktik mandiri bidan",
            "nomor_str": "BD-1275-2021-000318",
            "tempat_praktik": "Praktik Mandiri Bidan Rina",
            "alamat_praktik": "Jl. Danau Toba No. 8, Kel. Kartini",
            "jadwal_praktik": "Senin–Sabtu 16.00–21.00",
        },
        "waiting",
        days_ago=3,
        step=0,
        reason="Rekomendasi IBI yang diunggah sudah kedaluwarsa; unggah rekomendasi yang masih berlaku.",
    ),
    DemoApplication(
        RINA,
        "iumk",
        {"nama_usaha": "Keripik Pisang Rina", "jenis_usaha": "Makanan ringan rumahan"},
        "draft",
        days_ago=1,
    ),
    DemoApplication(
        "Hendri Tarigan",
        "siup",
        {**SIUP, "nama_usaha": "Bengkel dan Suku Cadang Tarigan", "kbli": "45403", "barang_dagangan": "Suku cadang"},
        "step",
        days_ago=3,
        late=True,
    ),
    DemoApplication(
        "Hendri Tarigan",
        "iumk",
        {
            "nama_usaha": "Warung Kopi Tarigan",
            "jenis_usaha": "Warung kopi",
            "alamat_usaha": "Jl. Samanhudi No. 2, Kel. Pahlawan",
            "modal_usaha": 15000000,
        },
        "issued",
        days_ago=20,
        survey=(3, 3, 4, 4, 3, 3, 3, 2, 3),
    ),
    DemoApplication(
        "Maya Sembiring",
        "reklame",
        {
            "jenis_reklame": "Neon box",
            "naskah_reklame": "Salon Maya — potong, creambath, rias pengantin",
            "lokasi_reklame": "Jl. Jenderal Ahmad Yani No. 21, Kel. Kartini",
            "luas_reklame": 1.5,
            "jumlah_muka": 2,
            "lama_bulan": 12,
        },
        "approved",
        days_ago=6,
    ),
    DemoApplication(
        "Maya Sembiring",
        "keramaian",
        {
            "nama_kegiatan": "Pesta pernikahan keluarga Sembiring",
            "jenis_kegiatan": "Hajatan/pesta",
            "tanggal_kegiatan": "2026-12-19",
            "lokasi_kegiatan": "Lapangan Merdeka Binjai",
            "perkiraan_peserta": 2500,
        },
        "rejected",
        days_ago=5,
        step=1,
        reason="Lapangan Merdeka sudah dipakai kegiatan Pemerintah Kota pada tanggal itu.",
    ),
    DemoApplication(
        "Rudi Hartono",
        "tdg",
        {
            "alamat_gudang": "Jl. Soekarno-Hatta Km 18, Kel. Tunggurono",
            "luas_gudang": 640,
            "kapasitas_gudang": 2500,
            "golongan_gudang": "Kecil (36–2.500 m²)",
            "jenis_barang": "Pupuk dan pakan ternak",
        },
        "step",
        days_ago=2,
        step=1,
        claimed=True,
        company={"name": "CV Hartono Tani Makmur", "nib": "9120304050607", "npwp": "024681357902000"},
    ),
    DemoApplication(
        "Lestari Ginting",
        "pbg",
        {
            "fungsi_bangunan": "Usaha",
            "alamat_bangunan": "Jl. Veteran No. 77, Kel. Berngam",
            "luas_lantai": 210,
            "jumlah_lantai": 3,
            "nomor_sertifikat": "SHM 02213/Berngam",
        },
        "paid",
        days_ago=15,
        payment_reference="BSU-2026-11-0042917",
        findings={"survei_lapangan": "Bangunan ruko 3 lantai sesuai gambar; GSB 6 m terpenuhi."},
    ),
    DemoApplication(
        "dr. Sarah Nainggolan",
        "sip-dokter",
        {
            "jenis_praktik": "Dokter",
            "nomor_str": "1275-DU-2019-004571",
            "tempat_praktik": "Klinik Pratama Sehat Sentosa",
            "alamat_praktik": "Jl. T. Amir Hamzah No. 14, Kel. Nangka",
            "jadwal_praktik": "Senin–Jumat 17.00–21.00",
        },
        "step",
        days_ago=4,
        step=2,
    ),
    DemoApplication(
        "Lestari Ginting",
        "sktr",
        {
            "alamat_lahan": "Jl. Perintis Kemerdekaan, Kel. Tanah Tinggi",
            "luas_lahan": 450,
            "rencana_pemanfaatan": "Rumah tinggal",
        },
        "step",
        days_ago=1,
    ),
]

DEMO_APPLICATIONS = {"binjai": BINJAI}


@dataclass
class DemoCast:
    city: object
    applicants: dict

    def officer(self, opd_id, role):
        return User.objects.get(login_id=demo_nip(self.city.opds.get(pk=opd_id), role))


def load_demo_permits(city, now=None):
    """File the city's demo applications that are not there yet; returns (filed, already there).

    Needs the demo users of accounts.demo (load_demo creates them first).
    """
    items = DEMO_APPLICATIONS.get(city.slug, [])
    if not items:
        return 0, 0
    now = now or timezone.now()
    cast = _cast(city)
    filed = 0
    for index, item in enumerate(items):
        applicant = cast.applicants[item.applicant]
        if Application.objects.filter(applicant=applicant, permit_type__city=city, permit_type__code=item.permit_type):
            continue
        with transaction.atomic():
            application = _file(city, item, applicant, index)
            if item.outcome != "draft":
                _advance(application, item, cast, index)
                _set_back(application, item, city, now)
        filed += 1
    scan(now)  # flag the late step now, as the worker's next scan would
    return filed, len(items) - filed


def _cast(city):
    applicants = {RINA: User.objects.get(login_id=demo_nik(city))}
    for name, rest in OTHER_APPLICANTS.items():
        nik = f"{city.nik_prefix}{rest}"
        check_nik_for_city(nik, city)
        user = User.objects.filter(login_id=nik).first()
        if user is None:
            user = User.objects.create(
                login_id=nik, kind=User.Kind.CITIZEN, full_name=name, password=make_password(None)
            )
        applicants[name] = user
    return DemoCast(city=city, applicants=applicants)


def _file(city, item, applicant, index):
    permit_type = city.permit_types.get(code=item.permit_type)
    company = None
    if item.company:
        company = applicant.permit_companies.filter(nib=item.company["nib"]).first() or actions.do_save_company(
            applicant, address=item.form.get("alamat_gudang", "Binjai"), **item.company
        )
    application = actions.do_save_draft(applicant, permit_type, form_data=item.form, company=company)
    for requirement in permit_type.documents_for(application.applicant_kind()):
        if item.outcome == "draft" and requirement["code"] != "ktp":
            continue  # a draft still being put together
        document = actions.do_upload_document(
            applicant, demo_document(requirement, applicant, index), name=f"{requirement['name']} (contoh)"
        )
        actions.do_attach_document(applicant, application, requirement["code"], document)
    return application


def _advance(application, item, cast, index):
    applicant = cast.applicants[item.applicant]
    actions.do_submit(applicant, application)
    last = len(application.workflow) - 1
    target = last if item.outcome in ("approved", "paid", "issued") else item.step
    while application.step_index < target:
        step = application.current_step
        officer = cast.officer(step["opd_id"], step["role"])
        if step["role"] == "officer":
            actions.do_claim(officer, application)
        photos = (
            [demo_photo(f"survei-{application.pk}-{n}", step["name"]) for n in (1, 2)] if step.get("survey") else ()
        )
        findings = (
            item.findings.get(step["code"], f"{step['name']}: sesuai persyaratan.") if step.get("findings") else ""
        )
        actions.do_forward(officer, application, note="Lanjut ke langkah berikutnya.", findings=findings, photos=photos)
    step = application.current_step
    officer = cast.officer(step["opd_id"], step["role"])
    if item.outcome == "step":
        if item.claimed:
            actions.do_claim(officer, application)
    elif item.outcome == "waiting":
        actions.do_claim(officer, application)
        codes = [doc["code"] for doc in application.permit_type.required_documents if "rekomendasi" in doc["code"]]
        actions.do_request_documents(officer, application, item.reason, codes[:1])
    elif item.outcome == "rejected":
        actions.do_claim(officer, application)
        actions.do_reject(officer, application, item.reason)
    else:
        actions.do_approve_and_sign(officer, application)
        if item.outcome in ("paid", "issued") and application.fee_amount:
            reference = item.payment_reference or f"BSU-DEMO-{application.pk:06d}"
            payment = actions.do_record_payment(applicant, application, reference)
            if item.outcome == "issued":
                finance = cast.city.opd_with_function("keuangan")
                actions.do_confirm_payment(cast.officer(finance.pk, Role.OFFICER), payment)
        application.refresh_from_db()
        if item.survey:
            actions.do_answer_survey(applicant, application, {f"u{n}": v for n, v in enumerate(item.survey, 1)})


def _set_back(application, item, city, now):
    """Date the application, its step records and its live step clock to when the story says things happened.

    The steps already done share the time between submission and the start of the current step; a late
    application has sat at its step since submission.
    """
    calendar = city.calendar()
    application.refresh_from_db()
    records = list(StepRecord.objects.filter(application=application).order_by("id"))
    live = list(clock.live_deadlines_for(application))
    if item.late:
        # At its step since submission, two working hours longer than the step allows.
        submitted = _moment_before(calendar, now, live[0].allowed_seconds + 2 * 3600)
    else:
        submitted = now - timedelta(days=item.days_ago)
    ends_at_step = application.status in (Status.SUBMITTED, Status.IN_REVIEW, Status.WAITING_APPLICANT)
    resting = records[-1] if ends_at_step else None
    done = [r for r in records if r is not resting]
    if item.late:
        current_start = submitted
    elif ends_at_step:
        current_start = submitted + (now - submitted) * (len(done) / (len(done) + 1)) if done else submitted
        if live:
            # No more than half of the step's working time used: only the late application is late.
            current_start = max(current_start, _moment_before(calendar, now, live[0].allowed_seconds / 2))
            submitted = min(submitted, current_start)
    else:
        current_start = now - timedelta(hours=2)
    span = (current_start - submitted) / max(len(done), 1)
    for position, record in enumerate(done):
        record.started_at = submitted + span * position
        record.finished_at = submitted + span * (position + 1)
        record.save(update_fields=["started_at", "finished_at"])
    moments = {"created_at": submitted - timedelta(hours=1), "submitted_at": submitted, "updated_at": current_start}
    if resting is not None:
        resting.started_at = current_start
        resting.save(update_fields=["started_at"])
        moments["step_started_at"] = current_start
    if application.decided_at:
        moments["decided_at"] = done[-1].finished_at if done else current_start
        moments["processing_seconds"] = calendar.working_seconds_between(submitted, moments["decided_at"])
    if application.waiting_since:
        moments["waiting_since"] = current_start + (now - current_start) / 4
    Application.objects.filter(pk=application.pk).update(**moments)
    application.payments.filter(status=Payment.Status.PENDING).update(created_at=now - timedelta(hours=3))
    for deadline in live:
        deadline.started_at = current_start
        deadline.due_at = calendar.add_working_seconds(current_start, deadline.allowed_seconds)
        deadline.near_at = calendar.add_working_seconds(current_start, round(deadline.allowed_seconds * NEAR_FRACTION))
        if deadline.state == deadline.State.PAUSED:
            deadline.paused_at = moments["waiting_since"]
            deadline.remaining_seconds = max(calendar.working_seconds_between(deadline.paused_at, deadline.due_at), 0)
        deadline.save(update_fields=["started_at", "due_at", "near_at", "paused_at", "remaining_seconds"])
        if deadline.state == deadline.State.RUNNING:
            Application.objects.filter(pk=application.pk).update(due_at=deadline.due_at)


def _moment_before(calendar, now, working_seconds):
    """The moment from which `working_seconds` of working time have passed by `now` (bisection, to the minute)."""
    earliest, latest = now - timedelta(days=60), now
    while latest - earliest > timedelta(minutes=1):
        middle = earliest + (latest - earliest) / 2
        if calendar.working_seconds_between(middle, now) > working_seconds:
            earliest = middle
        else:
            latest = middle
    return earliest


def demo_document(requirement, applicant, index):
    """A document for a requirement: a one-page PDF, or a drawn photo when the requirement takes photos only."""
    if "pdf" not in requirement["formats"]:
        return demo_photo(f"{requirement['code']}-{applicant.pk}-{index}", requirement["name"])
    lines = [
        "CONTOH DOKUMEN - BUKAN DOKUMEN ASLI",
        requirement["name"],
        f"Pemohon: {applicant.full_name}",
        "Dibuat otomatis untuk data demo Kota Cerdas.",
    ]
    pdf = one_page_pdf(lines)
    return SimpleUploadedFile(f"{requirement['code']}.pdf", pdf, content_type="application/pdf")


def one_page_pdf(lines):
    """A valid one-page A4 PDF showing `lines` of text (Helvetica; Latin-1 text only)."""

    def escape(text):
        text = text.encode("latin-1", "replace").decode("latin-1")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = "".join(
        f"BT /F1 {18 if n == 0 else 13} Tf 60 {760 - 32 * n} Td ({escape(line)}) Tj ET\n"
        for n, line in enumerate(lines)
    ).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"endstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def demo_photo(name, caption):
    """A drawn example photo with a caption (site survey photos, photo documents)."""
    rng = random.Random(name)
    image = Image.new("RGB", (960, 720), (rng.randrange(90, 160), rng.randrange(90, 160), rng.randrange(90, 160)))
    draw = ImageDraw.Draw(image)
    for _ in range(30):
        x, y, size = rng.randrange(960), rng.randrange(640), rng.randrange(20, 120)
        draw.rectangle((x, y, x + size, y + size // 2), fill=tuple(rng.randrange(60, 200) for _ in range(3)))
    draw.rectangle((0, 640, 960, 720), fill=(20, 20, 20))
    draw.text((24, 662), f"Foto contoh: {caption}"[:70], fill=(255, 255, 255), font=ImageFont.load_default(size=26))
    out = BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile(f"{name}.jpg", out.getvalue(), content_type="image/jpeg")
