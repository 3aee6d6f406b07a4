"""What can happen to a report, for the web pages, the API and Open311 alike.

check_* validate, do_* change state. Every move goes through `_move()`: it
refuses a move the pipeline does not allow (IllegalMove → HTTP 409), and in
the same transaction writes the audit event (public timeline text included),
starts/stops the deadline clocks and queues the notifications.
"""

import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import check_may_act
from audit.events import record
from cities.models import current_city
from core.photos import check_photos
from deadlines import clock
from notifications.outbox import notify_user, queue
from reports.models import OPD_STATUSES, Category, Note, Photo, Report, Status, Support, active_categories

MAX_DESCRIPTION = 4000
MAX_ATTRIBUTE_LENGTH = 1000
COORDINATORS = {Role.BCC_OPERATOR, Role.CITY_ADMIN}
OPD_HANDLERS = (Role.OFFICER, Role.HEAD)
VERIFY_DAYS = 3
PLAN_DAYS = 5

CLOCK_VERIFY = "report.verify"
CLOCK_PLAN = "report.plan"
CLOCK_RESOLVE = "report.resolve"


class IllegalMove(Exception):
    """A status change the pipeline does not allow (answered with HTTP 409)."""


# --- Submitting -------------------------------------------------------------------------------


@dataclass
class Submission:
    category: Category
    description: str
    kelurahan: object
    lat: float | None
    lon: float | None
    address: str
    photos: list
    attributes: dict


def check_submission(
    *, city, category_code, description, kelurahan_id, lat=None, lon=None, address="", photos=(), attributes=None
):
    """Validate a new report; raises ValidationError with per-field messages in Bahasa Indonesia.

    `attributes` are the answers to the category's Open311 attributes ({code: value}, a list for
    multivaluelist); errors about one come under the key "attribute[<code>]", as Open311 names them.
    """
    errors = {}
    category = active_categories(city).get(category_code) if isinstance(category_code, str) else None
    if category is None:
        errors["category"] = ["Pilih kategori laporan yang tersedia."]
    description = (description or "").strip()
    if not description:
        errors["description"] = ["Uraian laporan wajib diisi."]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [f"Uraian paling panjang {MAX_DESCRIPTION} karakter (sekarang {len(description)})."]
    kelurahan = None
    if kelurahan_id and str(kelurahan_id).isdigit():
        kelurahan = city.kelurahan_by_id().get(int(kelurahan_id))
    if kelurahan is None:
        errors["kelurahan"] = [f"Pilih kelurahan di {city.name}."]
    address = (address or "").strip()
    if (lat is None) != (lon is None):
        errors["location"] = ["Titik lokasi harus punya lintang dan bujur."]
    elif lat is None and not address:
        errors["location"] = ["Tandai lokasi di peta atau tuliskan alamatnya."]
    elif lat is not None and not city.contains(lat, lon):
        errors["location"] = [f"Lokasi berada di luar wilayah {city.name}. Laporan hanya untuk masalah di dalam kota."]
    if len(address) > 300:
        errors["address"] = ["Alamat paling panjang 300 karakter."]
    try:
        cleaned_photos = check_photos(photos, maximum=settings.REPORT_MAX_PHOTOS)
    except ValidationError as exc:
        errors["photos"] = exc.messages
        cleaned_photos = []
    cleaned_attributes = {}
    if category is not None:
        cleaned_attributes, attribute_errors = _check_attributes(category, attributes or {})
        errors.update(attribute_errors)
    if errors:
        raise ValidationError(errors)
    return Submission(category, description, kelurahan, lat, lon, address, cleaned_photos, cleaned_attributes)


def _check_attributes(category, answers):
    """The answers to the category's attributes, required ones present and list answers among the values;
    answers to attributes the category does not have are dropped."""
    cleaned, errors = {}, {}
    for attribute in category.attributes:
        code, label = attribute["code"], attribute.get("description") or attribute["code"]
        value = answers.get(code)
        values = value if isinstance(value, list | tuple) else [value]
        values = [str(v).strip() for v in values if v is not None and str(v).strip()]
        if not values:
            if attribute.get("required"):
                errors[f"attribute[{code}]"] = [f"Isian '{label}' wajib diisi."]
            continue
        allowed = {choice["key"] for choice in attribute.get("values", [])}
        if attribute["datatype"] in {"singlevaluelist", "multivaluelist"} and not set(values) <= allowed:
            errors[f"attribute[{code}]"] = [f"Pilih jawaban '{label}' dari pilihan yang tersedia."]
        elif attribute["datatype"] == "singlevaluelist" and len(values) > 1:
            errors[f"attribute[{code}]"] = [f"Pilih satu jawaban saja untuk '{label}'."]
        elif attribute["datatype"] == "number" and not _is_number(values[0]):
            errors[f"attribute[{code}]"] = [f"Isian '{label}' harus berupa angka."]
        elif any(len(v) > MAX_ATTRIBUTE_LENGTH for v in values):
            errors[f"attribute[{code}]"] = [f"Isian '{label}' paling panjang {MAX_ATTRIBUTE_LENGTH} karakter."]
        else:
            cleaned[code] = values if attribute["datatype"] == "multivaluelist" else values[0]
    return cleaned, errors


def _is_number(text):
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def do_submit_report(
    *,
    reporter,
    category_code,
    description,
    kelurahan_id,
    lat=None,
    lon=None,
    address="",
    photos=(),
    anonymous=False,
    client=None,
    contact_name="",
    contact_email="",
    contact_phone="",
    attributes=None,
):
    """File a report: stored at once with its tracking number, in status 'submitted'.

    The intake (receive_submissions(), run by the worker) then writes its audit event, starts its
    verification clock and sends the reporter the confirmation.
    """
    if reporter is not None and reporter.is_authenticated and not reporter.is_citizen:
        # Reports are the citizens' voice; an officer's own observation goes in as a note on a case.
        raise PermissionDenied("Laporan hanya dapat dikirim oleh warga; petugas tidak dapat membuat laporan.")
    city = current_city()
    submission = check_submission(
        city=city,
        category_code=category_code,
        description=description,
        kelurahan_id=kelurahan_id,
        lat=lat,
        lon=lon,
        address=address,
        photos=photos,
        attributes=attributes,
    )
    kecamatan = submission.kelurahan.kecamatan
    report = Report(
        city=city,
        category=submission.category,
        description=submission.description,
        kelurahan=submission.kelurahan,
        kecamatan=kecamatan,
        lat=submission.lat,
        lon=submission.lon,
        address=submission.address,
        opd_id=submission.category.opd_id,  # the intake applies the kecamatan's routing rule, if any
        status=Status.SUBMITTED,
        owner=reporter if reporter is not None and reporter.is_authenticated else None,
        anonymous=anonymous,
        client=client,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        attributes=submission.attributes,
        open311_token=secrets.token_hex(16) if client else None,
    )
    if submission.photos:
        with transaction.atomic():
            report.save(force_insert=True)
            _save_photos(report, submission.photos, Photo.Kind.REPORT, report.owner)
    else:
        # One INSERT and nothing else, so a burst of reports is taken in as fast as the database
        # takes rows; receive_submissions() does the rest moments later.
        report.save(force_insert=True)
    return report


# Small batches: each holds the audit chain lock until it commits, and other moves wait for it meanwhile.
INTAKE_BATCH = 10


def receive_submissions(limit=None):
    """The intake: move submitted reports, oldest first, to 'received'; returns how many it moved.

    Each move is a normal one (audit event, public timeline, confirmation to the reporter). It routes
    the report to the OPD of its category in its kecamatan and starts the verification clock counted
    from the moment of submission, so a slow intake costs the coordinator no time. Every worker runs
    this on each tick; SKIP LOCKED lets several share a backlog, and the status re-checked under the
    lock in _move() means no report is received twice.
    """
    with transaction.atomic():
        batch = list(
            Report.objects.filter(status=Status.SUBMITTED)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("owner", "category__opd", "kecamatan")
            .order_by("id")[: limit or INTAKE_BATCH]
        )
        if batch:
            coordinator = _coordinator_opd(current_city())
        for report in batch:
            _move(
                report,
                Status.RECEIVED,
                actor=report.owner,
                public_text="Laporan diterima dan menunggu verifikasi.",
                template="report_received",
                opd=report.category.opd_for(report.kecamatan),
            )
            _start(
                report,
                CLOCK_VERIFY,
                title=f"{report}: verifikasi",
                opd=coordinator,
                working_days=VERIFY_DAYS,
                url=_officer_url(report),
                now=report.created_at,
            )
    return len(batch)


def _save_photos(report, cleaned, kind, uploaded_by):
    for index, photo in enumerate(cleaned, start=1):
        item = Photo(report=report, kind=kind, width=photo.width, height=photo.height, uploaded_by=uploaded_by)
        item.image.save(f"{index}.{photo.extension}", photo.content, save=False)
        item.save()


def _coordinator_opd(city):
    # The Command Center's OPD verifies and routes reports (Diskominfo in Binjai).
    return city.opd_with_function("kominfo")


def _officer_url(report):
    return reverse("reports:officer_detail", args=[report.number])


def public_url(report):
    return reverse("reports:detail", args=[report.number])


# --- Who may do what --------------------------------------------------------------------------


def check_coordinator(user):
    """Verification, routing and merging belong to the BCC operators and the city admin."""
    if not user.is_authenticated or user.role not in COORDINATORS:
        raise PermissionDenied("Hanya operator Command Center atau admin kota yang dapat melakukan ini.")


def check_opd_handler(user, report):
    """Follow-up belongs to the officers and head of the OPD the report is dispositioned to."""
    check_may_act(user, report, OPD_HANDLERS)


def check_reporter(user, report):
    if not user.is_authenticated or report.owner_id != user.pk:
        raise PermissionDenied("Hanya pelapor yang dapat melakukan ini.")


# --- Moving a report --------------------------------------------------------------------------


def _move(report, status, *, actor, public_text, reason="", template="report_status", **changes):
    """The one way a report changes status; call inside a transaction."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if not locked.may_move_to(status):
        raise IllegalMove(
            f"Laporan berstatus '{locked.get_status_display()}' tidak dapat diubah menjadi '{Status(status).label}'."
        )
    # attname: a foreign key's id, without fetching the row it points to.
    before = {
        "status": locked.status,
        **{name: getattr(locked, Report._meta.get_field(name).attname) for name in changes},
    }
    now = timezone.now()
    for name, value in {"status": status, "updated_at": now, **changes}.items():
        setattr(report, name, value)
    report.save(update_fields=["status", "updated_at", *changes])
    record(
        actor=actor,
        obj=report,
        action=f"report.{status}",
        before=before,
        after={"status": status, **{name: _plain(value) for name, value in changes.items()}},
        reason=reason,
        public=True,
        public_text=public_text,
    )
    _tell_reporter(report, template, {"public_text": public_text, "reason": reason})
    return report


def _plain(value):
    return value.pk if hasattr(value, "pk") else value


def _tell_reporter(report, template, context):
    """The reporter and every supporter hear of each public move (by SMS/e-mail)."""
    context = {"report": report, "url": settings.SITE_URL + public_url(report), **context}
    people = []
    if report.owner_id:
        people.append(report.owner)
    people += [s.user for s in report.supports.select_related("user").exclude(user_id=report.owner_id)]
    for person in people:
        notify_user(person, template, context, about=report)
    if not report.owner_id:
        # Open311 reporters without an account: the contact they gave.
        for channel, address in (("email", report.contact_email), ("sms", report.contact_phone)):
            if address:
                queue(channel=channel, recipient=address, template=template, context=context, about=report)


def do_verify(actor, report):
    check_coordinator(actor)
    with transaction.atomic():
        _move(
            report,
            Status.VERIFIED,
            actor=actor,
            public_text="Laporan telah diverifikasi oleh Command Center.",
            verified_at=report.verified_at or timezone.now(),
        )
        _stop(report, CLOCK_VERIFY)
    return report


def do_disposition(actor, report, opd=None):
    """Send a verified report to the OPD that handles it (the category's routing unless another is chosen)."""
    check_coordinator(actor)
    opd = opd or report.category.opd_for(report.kecamatan)
    if opd.city_id != report.city_id:
        raise ValidationError({"opd": ["OPD tidak dikenal."]})
    with transaction.atomic():
        # Re-routing a dispositioned report: the first OPD's clocks end here, the new OPD's start below.
        _cancel_all(report)
        _move(
            report,
            Status.DISPOSITIONED,
            actor=actor,
            opd=opd,
            assigned_to=None,
            dispositioned_at=timezone.now(),
            public_text=f"Laporan diteruskan ke {opd.name} untuk ditindaklanjuti.",
        )
        url = _officer_url(report)
        _start(report, CLOCK_PLAN, title=f"{report}: rencana tindak lanjut", opd=opd, working_days=PLAN_DAYS, url=url)
        _start(
            report,
            CLOCK_RESOLVE,
            title=f"{report}: penyelesaian",
            opd=opd,
            working_days=report.category.resolution_days,
            url=url,
        )
    return report


def do_reject(actor, report, reason):
    check_coordinator(actor)
    reason = _required(reason, "Alasan penolakan wajib diisi.")
    with transaction.atomic():
        _move(report, Status.REJECTED, actor=actor, reason=reason, public_text="Laporan ditolak.")
        _cancel_all(report)
    return report


def do_mark_not_authority(actor, report, reason):
    check_coordinator(actor)
    reason = _required(reason, "Jelaskan instansi yang berwenang.")
    with transaction.atomic():
        _move(
            report,
            Status.NOT_AUTHORITY,
            actor=actor,
            reason=reason,
            public_text="Laporan bukan kewenangan pemerintah kota.",
        )
        _cancel_all(report)
    return report


def do_merge_duplicate(actor, report, into):
    """Merge a duplicate into the report it repeats; its reporter and supporters follow the original from now on."""
    check_coordinator(actor)
    if into.pk == report.pk or into.duplicate_of_id or into.status == Status.DUPLICATE:
        raise ValidationError({"into": ["Pilih laporan asli yang lain (bukan laporan ini atau sebuah duplikat)."]})
    if not into.is_open and into.status != Status.RESOLVED:
        raise ValidationError({"into": [f"Laporan {into.number} sudah tidak aktif."]})
    with transaction.atomic():
        _move(
            report,
            Status.DUPLICATE,
            actor=actor,
            duplicate_of=into,
            public_text=f"Laporan digabung dengan laporan {into.number} yang melaporkan masalah yang sama.",
        )
        _cancel_all(report)
        followers = [report.owner_id] if report.owner_id else []
        followers += list(report.supports.values_list("user_id", flat=True))
        for user_id in followers:
            if user_id != into.owner_id:
                _, created = Support.objects.get_or_create(report=into, user_id=user_id)
                if created:
                    Report.objects.filter(pk=into.pk).update(support_count=F("support_count") + 1)
    return report


def do_start_work(actor, report, plan):
    """The OPD accepts the report and says what it will do (the follow-up plan)."""
    check_opd_handler(actor, report)
    plan = _required(plan, "Rencana tindak lanjut wajib diisi.", "plan")
    with transaction.atomic():
        _move(
            report,
            Status.IN_PROGRESS,
            actor=actor,
            follow_up_plan=plan,
            assigned_to=report.assigned_to or actor,
            public_text=f"Sedang ditindaklanjuti: {plan}",
        )
        _stop(report, CLOCK_PLAN)
        # Whoever now holds the report holds its resolution clock too (near-deadline warnings go to them).
        if clock.live_deadlines_for(report).filter(kind=CLOCK_RESOLVE).exists():
            clock.reassign(report, CLOCK_RESOLVE, report.assigned_to)
    return report


def do_return_to_coordinator(actor, report, reason):
    """The OPD says the report is not theirs: back to the Command Center for another disposition."""
    check_opd_handler(actor, report)
    reason = _required(reason, "Jelaskan mengapa laporan ini bukan tugas OPD Anda.")
    with transaction.atomic():
        _move(
            report,
            Status.VERIFIED,
            actor=actor,
            reason=reason,
            assigned_to=None,
            public_text="Laporan dikembalikan ke Command Center untuk diteruskan ke OPD yang tepat.",
        )
        _cancel_all(report)
    return report


def do_resolve(actor, report, response, proof_photos):
    """Done: a public response and at least one photo proving it."""
    check_opd_handler(actor, report)
    errors = {}
    response = (response or "").strip()
    if not response:
        errors["response"] = ["Tanggapan penyelesaian wajib diisi."]
    try:
        cleaned = check_photos(proof_photos, maximum=settings.REPORT_MAX_PHOTOS)
        if not cleaned:
            errors["proof_photos"] = ["Lampirkan minimal satu foto bukti penyelesaian."]
    except ValidationError as exc:
        errors["proof_photos"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _move(
            report,
            Status.RESOLVED,
            actor=actor,
            resolution=response,
            resolved_at=timezone.now(),
            public_text=f"Selesai ditangani: {response}",
        )
        _save_photos(report, cleaned, Photo.Kind.PROOF, actor)
        _stop(report, CLOCK_RESOLVE)
        _stop(report, CLOCK_PLAN)
    return report


def do_reopen(user, report, reason):
    """The reporter is not satisfied: within 7 days of resolution the report goes back to the OPD."""
    check_reporter(user, report)
    reason = _required(reason, "Jelaskan mengapa Anda belum puas.")
    if report.status == Status.RESOLVED and timezone.now() > report.reopen_until():
        raise IllegalMove("Batas 7 hari untuk membuka kembali laporan ini sudah lewat.")
    with transaction.atomic():
        _move(
            report,
            Status.REOPENED,
            actor=user,
            reason=reason,
            public_text="Pelapor belum puas; laporan dibuka kembali untuk OPD.",
        )
        _start(
            report,
            CLOCK_RESOLVE,
            title=f"{report}: penyelesaian ulang",
            opd=report.opd,
            working_days=report.category.resolution_days,
            url=_officer_url(report),
            holder=report.assigned_to,
        )
    return report


def do_rate(user, report, stars, comment=""):
    """The reporter rates the response (1–5); a rated report is closed."""
    check_reporter(user, report)
    if report.rating is not None:
        raise IllegalMove("Laporan ini sudah dinilai.")
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise ValidationError({"rating": ["Beri nilai 1 sampai 5 bintang."]})
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise ValidationError({"comment": ["Komentar paling panjang 1000 karakter."]})
    with transaction.atomic():
        _move(
            report,
            Status.CLOSED,
            actor=user,
            rating=stars,
            rating_comment=comment,
            closed_at=timezone.now(),
            public_text=f"Pelapor memberi nilai {stars} dari 5; laporan ditutup.",
        )
    return report


def close_resolved_reports(now=None):
    """Close reports resolved more than 7 days ago that nobody reopened (run by the worker)."""
    from reports.models import REOPEN_WINDOW

    now = now or timezone.now()
    closed = 0
    due = Report.objects.filter(status=Status.RESOLVED, resolved_at__lte=now - REOPEN_WINDOW)
    for report in due.iterator():
        with transaction.atomic():
            try:
                _move(
                    report,
                    Status.CLOSED,
                    actor=None,
                    closed_at=now,
                    public_text="Laporan ditutup otomatis 7 hari setelah selesai ditangani.",
                )
            except IllegalMove:
                continue  # another worker closed it, or the reporter reopened it, meanwhile
            closed += 1
    return closed


# --- Work inside the OPD ------------------------------------------------------------------------


def do_assign(actor, report, officer):
    """Give the report to a colleague of the same OPD; the deadline clocks follow."""
    check_opd_handler(actor, report)
    if report.status not in OPD_STATUSES:
        raise IllegalMove("Hanya laporan yang sedang di OPD yang dapat ditugaskan.")
    if not officer.is_active or officer.opd_id != report.opd_id or officer.role not in OPD_HANDLERS:
        raise ValidationError({"officer": ["Pilih petugas aktif dari OPD yang menangani laporan ini."]})
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(assigned_to=officer)
        report.assigned_to = officer
        record(actor=actor, obj=report, action="report.assigned", after={"assigned_to": officer.pk})
        for kind in (CLOCK_PLAN, CLOCK_RESOLVE):
            if clock.live_deadlines_for(report).filter(kind=kind).exists():
                clock.reassign(report, kind, officer)
        notify_user(
            officer,
            "report_assigned",
            {"report": report, "url": settings.SITE_URL + _officer_url(report)},
            about=report,
        )
    return report


def do_add_note(actor, report, text, *, public):
    """A public reply (on the timeline, the reporter is told) or an internal note (colleagues only)."""
    if actor.is_authenticated and actor.role in COORDINATORS:
        check_coordinator(actor)
    else:
        check_opd_handler(actor, report)
    text = _required(text, "Isi catatan wajib diisi.", "text")
    if len(text) > 2000:
        raise ValidationError({"text": ["Catatan paling panjang 2000 karakter."]})
    with transaction.atomic():
        note = Note.objects.create(report=report, author=actor, public=public, text=text)
        record(
            actor=actor,
            obj=report,
            action="report.reply" if public else "report.internal_note",
            after={"note": note.pk},
            public=public,
            public_text=f"Tanggapan petugas: {text}" if public else "",
        )
        if public:
            _tell_reporter(report, "report_reply", {"text": text})
    return note


def do_support(user, report):
    """'Me too': a citizen backs an open public report instead of filing a duplicate."""
    if not user.is_authenticated or not user.is_citizen:
        raise PermissionDenied("Masuk sebagai warga untuk mendukung laporan.")
    if report.owner_id == user.pk:
        raise IllegalMove("Ini laporan Anda sendiri.")
    if not (report.is_open and report.is_public):
        raise IllegalMove("Hanya laporan terbuka yang sudah diverifikasi yang dapat didukung.")
    try:
        with transaction.atomic():
            Support.objects.create(report=report, user=user)
            Report.objects.filter(pk=report.pk).update(support_count=F("support_count") + 1)
            record(actor=user, obj=report, action="report.supported")
    except IntegrityError:
        raise IllegalMove("Anda sudah mendukung laporan ini.") from None
    report.refresh_from_db(fields=["support_count"])
    return report


# --- helpers ----------------------------------------------------------------------------------


def _required(text, message, field="reason"):
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: [message]})
    return text


def _start(report, kind, **options):
    clock.start(report, kind, **options)
    report.refresh_due_at()


def _stop(report, kind):
    if clock.live_deadlines_for(report).filter(kind=kind).exists():
        clock.stop(report, kind)
        report.refresh_due_at()


def _cancel_all(report):
    for deadline in clock.live_deadlines_for(report):
        clock.cancel(report, deadline.kind)
    report.refresh_due_at()


def opd_colleagues(report):
    return User.objects.filter(opd=report.opd, role__in=OPD_HANDLERS, is_active=True).order_by("full_name")
