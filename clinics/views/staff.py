"""e-Dokter's hospital staff pages under /petugas/dokter/: the desk, a session's clinic queue, doctors' leave.

Thin: every button calls one clinics.actions function, which decides. Who works here: the `hospital_staff`
officers of a facility's OPD (the RSUD's own; the Dinas Kesehatan for the puskesmas) and the doctors linked to
their login (their own sessions' queues only). A refusal comes back as the page with form errors (400), with
the queue's message (409: IllegalMove), or the access-denied page (403). Without JavaScript every form posts
and redirects back.
"""

from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.forms import add_action_errors
from cities.models import City, current_city_or_404
from clinics import actions
from clinics import staff_forms as f
from clinics.actions import IllegalMove
from clinics.models import (
    ACTIVE_STATUSES,
    Appointment,
    Facility,
    Practitioner,
    Session,
    SessionStatus,
    Status,
)

NOT_STAFF = (
    "Halaman ini untuk petugas rumah sakit dan puskesmas (peran petugas rumah sakit) serta dokter yang akunnya "
    "terhubung dengan jadwal praktiknya."
)
SESSION_COUNTS = {
    "registered": Count("appointments", filter=Q(appointments__status__in=[*ACTIVE_STATUSES, Status.NO_SHOW])),
    "checked_in": Count("appointments", filter=Q(appointments__checked_in_at__isnull=False)),
    "waiting": Count("appointments", filter=Q(appointments__status=Status.CHECKED_IN)),
    "served": Count("appointments", filter=Q(appointments__status__in=[Status.SERVED, Status.DONE])),
    "no_shows": Count("appointments", filter=Q(appointments__status=Status.NO_SHOW)),
}


def _time(moment, city):
    return f"{timezone.localtime(moment, city.zone):%H.%M}"


# --- who is working -------------------------------------------------------------------------------


@dataclass
class Desk:
    """The facilities whose desk the user works and the doctors the user is."""

    city: City
    today: date
    facilities: list = field(default_factory=list)
    practitioners: list = field(default_factory=list)


def desk_for(user):
    city = current_city_or_404()
    facilities = [
        facility
        for facility in Facility.objects.filter(city=city, active=True).order_by("kind", "name")
        if actions.is_facility_staff(user, facility)
    ]
    practitioners = list(
        Practitioner.objects.filter(user=user, active=True, facility__city=city).select_related("facility")
        if user.is_active
        else []
    )
    if not facilities and not practitioners:
        raise PermissionDenied(NOT_STAFF)
    return Desk(city, timezone.localdate(timezone.now(), city.zone), facilities, practitioners)


def todays_sessions(desk):
    """Today's sessions of the desk's facilities and doctors, with their counters, grouped per facility and poli."""
    sessions = (
        Session.objects.filter(date=desk.today)
        .filter(Q(clinic__facility__in=desk.facilities) | Q(practitioner__in=desk.practitioners))
        .select_related("clinic__facility", "practitioner")
        .annotate(**SESSION_COUNTS)
        .order_by("clinic__facility__kind", "clinic__facility__name", "clinic__name", "start", "id")
    )
    return [
        {
            "facility": facility,
            "clinics": [
                {"clinic": clinic, "sessions": list(items)}
                for clinic, items in groupby(group, key=lambda session: session.clinic)
            ],
        }
        for facility, group in groupby(sessions, key=lambda session: session.clinic.facility)
    ]


def render_home(request, desk, form, *, problem="", status=200):
    context = {
        "desk": desk,
        "form": form,
        "problem": problem,
        "groups": todays_sessions(desk),
        "doctors": Practitioner.objects.filter(facility__in=desk.facilities, active=True)
        .select_related("facility")
        .order_by("facility__name", "name"),
    }
    return render(request, "clinics/staff/home.html", context, status=status)


@login_required
def home(request):
    desk = desk_for(request.user)
    initial = {"code": request.GET.get("kode", "")[:40], "facility": request.GET.get("fasilitas", "")}
    return render_home(request, desk, f.CheckInForm(initial=initial, facilities=desk.facilities))


# --- the registration desk ------------------------------------------------------------------------


def _already_there(user, code, facility):
    """A clearer word than the state machine's when the patient already checked in (or is further along)."""
    try:
        appointment = actions.find_by_code(user, code, facility=facility)
    except Http404:
        return ""
    if appointment.checked_in_at is None:
        return ""
    city = appointment.session.clinic.facility.city
    return (
        f"{appointment.patient_name} sudah check-in pukul {_time(appointment.checked_in_at, city)} "
        f"({appointment.session.clinic.name}, nomor antrean {appointment.queue_number}; "
        f"status sekarang: {appointment.get_status_display().lower()})."
    )


@login_required
@require_POST
def check_in(request):
    user = request.user
    desk = desk_for(user)
    if not desk.facilities:
        raise PermissionDenied("Check-in dilakukan oleh petugas pendaftaran fasilitas kesehatan.")
    form = f.CheckInForm(request.POST, facilities=desk.facilities)
    if form.is_valid():
        facility = form.chosen_facility()
        code = form.cleaned_data["code"]
        try:
            appointment = actions.do_check_in(user, code, facility=facility)
        except Http404:
            where = facility.name if facility else ", ".join(item.name for item in desk.facilities)
            form.add_error(
                "code",
                f"Kode booking {code.upper()} tidak ditemukan di {where}. Periksa kembali kodenya; pendaftaran di "
                "fasilitas lain di-check-in di fasilitas itu.",
            )
        except ValidationError as error:
            add_action_errors(form, error)
        except IllegalMove as move:
            return render_home(
                request, desk, form, problem=_already_there(user, code, facility) or str(move), status=409
            )
        else:
            session = appointment.session
            messages.success(
                request,
                f"Check-in berhasil: {appointment.patient_name} — {session.clinic.name}, {session.practitioner.name}, "
                f"nomor antrean {appointment.queue_number}.",
            )
            url = reverse("clinics_staff:home")
            return redirect(f"{url}?fasilitas={facility.pk}" if facility and len(desk.facilities) > 1 else url)
    return render_home(request, desk, form, status=400)


# --- a session's clinic queue ----------------------------------------------------------------------


def session_for(user, pk):
    """The session if the user works its queue (its facility's staff or its doctor); 403 otherwise."""
    session = get_object_or_404(Session.objects.select_related("clinic__facility__city", "practitioner"), pk=pk)
    actions.check_queue_actor(user, session)
    return session


def render_session(request, session, *, walk_in_form=None, cancel_form=None, problem="", status=200):
    user = request.user
    facility = session.clinic.facility
    now = timezone.now()
    is_staff = actions.is_facility_staff(user, facility)
    running = session.is_open and session.ends_at > now
    today = session.date == timezone.localdate(now, facility.city.zone)
    appointments = list(session.appointments.order_by("queue_number"))
    by_status = {value: [a for a in appointments if a.status == value] for value in Status.values}
    context = {
        "session": session,
        "facility": facility,
        "problem": problem,
        "is_staff": is_staff,
        "running": running,
        "today": today,
        "in_room": by_status[Status.CALLED] + by_status[Status.SERVED],
        "waiting": by_status[Status.CHECKED_IN],
        "skipped": by_status[Status.SKIPPED],
        "finished": by_status[Status.DONE],
        "not_checked_in": len(by_status[Status.BOOKED]),
        "no_shows": len(by_status[Status.NO_SHOW]),
        "walk_in_form": walk_in_form or f.WalkInForm(auto_id="id_walkin_%s"),
        "cancel_form": cancel_form or f.CancelSessionForm(auto_id="id_cancel_%s"),
        "offer_walk_in": is_staff and running and today,
        "offer_cancel": is_staff and running,
        "zone": facility.city.zone,
    }
    return render(request, "clinics/staff/session.html", context, status=status)


def _back(session):
    return redirect(reverse("clinics_staff:session", args=[session.pk]) + "#antrean")


@login_required
def session_detail(request, pk):
    return render_session(request, session_for(request.user, pk))


@login_required
@require_POST
def call_next(request, pk):
    session = session_for(request.user, pk)
    try:
        appointment = actions.do_call_next(request.user, session)
    except IllegalMove as move:
        return render_session(request, _fresh(session), problem=str(move), status=409)
    if appointment is None:
        return render_session(
            request, _fresh(session), problem="Belum ada pasien yang sudah check-in dan menunggu dipanggil.", status=409
        )
    messages.success(request, f"Nomor {appointment.queue_number} dipanggil: {appointment.patient_name}.")
    return _back(session)


MOVES = {
    "panggil-ulang": (actions.do_recall, "Nomor {number} dipanggil ulang: {name}."),
    "lewati": (actions.do_skip, "Nomor {number} dilewati; dapat dipanggil ulang bila pasien datang."),
    "dilayani": (actions.do_mark_served, "Nomor {number} sedang dilayani."),
    "selesai": (actions.do_mark_done, "Pelayanan nomor {number} selesai."),
}


@login_required
@require_POST
def move(request, pk, appointment_pk, action):
    if action not in MOVES:
        raise Http404("Tindakan tidak dikenal.")
    session = session_for(request.user, pk)
    appointment = get_object_or_404(Appointment, pk=appointment_pk, session=session)
    appointment.session = session
    run, done = MOVES[action]
    try:
        run(request.user, appointment)
    except IllegalMove as refused:
        return render_session(request, _fresh(session), problem=str(refused), status=409)
    messages.success(request, done.format(number=appointment.queue_number, name=appointment.patient_name))
    return _back(session)


@login_required
@require_POST
def walk_in(request, pk):
    session = session_for(request.user, pk)
    actions.check_facility_staff(request.user, session.clinic.facility)
    form = f.WalkInForm(request.POST, auto_id="id_walkin_%s")
    if form.is_valid():
        try:
            appointment = actions.do_register_walk_in(request.user, session, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        except IllegalMove as refused:
            return render_session(request, _fresh(session), walk_in_form=form, problem=str(refused), status=409)
        else:
            messages.success(
                request,
                f"Pasien loket terdaftar: {appointment.patient_name}, nomor antrean {appointment.queue_number} "
                f"(sudah check-in, kode booking {appointment.booking_code}).",
            )
            return _back(session)
    return render_session(request, _fresh(session), walk_in_form=form, status=400)


@login_required
@require_POST
def cancel_session(request, pk):
    session = session_for(request.user, pk)
    form = f.CancelSessionForm(request.POST, auto_id="id_cancel_%s")
    if form.is_valid():
        try:
            told = actions.do_cancel_session(request.user, session, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_action_errors(form, error)
        except IllegalMove as refused:
            return render_session(request, _fresh(session), cancel_form=form, problem=str(refused), status=409)
        else:
            messages.success(request, f"Sesi praktik dibatalkan; {told} pasien diberi tahu lewat SMS.")
            return redirect("clinics_staff:session", pk=session.pk)
    return render_session(request, _fresh(session), cancel_form=form, status=400)


def _fresh(session):
    session.refresh_from_db()
    return session


# --- a doctor's leave and closed days ---------------------------------------------------------------


@login_required
def exception(request, pk):
    practitioner = get_object_or_404(Practitioner.objects.select_related("facility__city"), pk=pk)
    actions.check_facility_staff(request.user, practitioner.facility)
    city = practitioner.facility.city
    status = 200
    if request.method == "POST":
        form = f.ExceptionForm(request.POST, practitioner=practitioner)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_add_exception(
                    request.user,
                    practitioner,
                    date=data["date"],
                    reason=data["reason"],
                    schedule=form.chosen_schedule(),
                    note=data["note"],
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Dicatat: {practitioner.name} tidak praktik pada {data['date']:%d-%m-%Y}. Pasien yang sudah "
                    "terdaftar diberi tahu lewat SMS bersama sesi pengganti yang masih ada tempat.",
                )
                return redirect("clinics_staff:exception", pk=practitioner.pk)
        status = 400
    else:
        form = f.ExceptionForm(practitioner=practitioner)
    today = timezone.localdate(timezone.now(), city.zone)
    context = {
        "practitioner": practitioner,
        "form": form,
        "upcoming": practitioner.exceptions.filter(date__gte=today).select_related("schedule__clinic"),
        "sessions": practitioner.sessions.filter(date__gte=today, status=SessionStatus.OPEN)
        .select_related("clinic")
        .order_by("date", "start")[:10],
    }
    return render(request, "clinics/staff/exception.html", context, status=status)
