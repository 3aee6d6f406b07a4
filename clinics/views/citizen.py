"""e-Dokter's public and citizen pages, under /dokter/.

Public (no login): find a poli or doctor in the city's hospitals and puskesmas, and a poli's free places
per session for the next 14 days. Citizens (NIK account): book for themselves or a registered family
member, "Pendaftaran saya" with the booking code as QR code, cancel and reschedule until the cut-off, and
their family members.

Thin: the forms collect input, clinics.actions decides. Only the citizen who booked sees an appointment
here; anybody else's answers 404, as an unknown booking code does. Officers get 403: they work the queue
from their own pages.
"""

from itertools import groupby

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.nik import mask_nik
from audit.events import public_timeline
from cities.models import current_city_or_404
from clinics import actions, links
from clinics.actions import IllegalMove
from clinics.calendar import appointment_ics
from clinics.forms import (
    BookingForm,
    CancelForm,
    DoctorFilterForm,
    FamilyMemberForm,
    FindForm,
    RescheduleForm,
    add_action_errors,
)
from clinics.models import (
    ENDED_STATUSES,
    WAITING_STATUSES,
    Appointment,
    Clinic,
    Facility,
    FamilyMember,
    Practitioner,
    Session,
    Status,
    parse_booking_code,
)

NOT_FOR_OFFICERS = (
    "Halaman ini untuk warga yang mendaftar berobat dengan akun NIK. "
    "Petugas tidak dapat mendaftar atau mengubah pendaftaran pasien dari akun dinas."
)
NOT_FOUND = "Pendaftaran tidak ditemukan di antara pendaftaran Anda."
PAST_SHOWN = 30
# The appointment page refreshes its live estimate on the day of the visit.
REFRESH_SECONDS = 60


def _check_citizen(user):
    if not user.is_citizen:
        raise PermissionDenied(NOT_FOR_OFFICERS)


def _conflict(request, refusal, back_url):
    """An illegal move (the appointment's state does not allow it): 409 with the action's message."""
    return render(request, "clinics/citizen/conflict.html", {"message": str(refusal), "back_url": back_url}, status=409)


def _by_date(sessions):
    return [(day, list(group)) for day, group in groupby(sessions, key=lambda s: s.date)]


# --- Find a poli or doctor (public) -----------------------------------------------------------


def _matches(clinic, doctors, words):
    """Every word is in the poli's name or in one doctor's name or specialty."""
    texts = [clinic.name.casefold()] + [f"{d.name} {d.specialty}".casefold() for d in doctors]
    return all(any(word in text for text in texts) for word in words)


def _poli_choices(facilities):
    """One choice per poli code across facilities ("gigi": Poli Gigi at every puskesmas and the RSUD)."""
    names = {}
    for facility in facilities:
        for clinic in facility.active_clinics:
            names.setdefault(clinic.code, set()).add(clinic.name)
    return sorted(((code, min(labels, key=len)) for code, labels in names.items()), key=lambda c: c[1])


@require_safe
def find(request):
    city = current_city_or_404()
    facilities = list(
        Facility.objects.filter(city=city, active=True).prefetch_related(
            Prefetch("clinics", queryset=Clinic.objects.filter(active=True).order_by("name"), to_attr="active_clinics"),
            Prefetch(
                "active_clinics__practitioners",
                queryset=Practitioner.objects.filter(active=True).order_by("name"),
                to_attr="active_doctors",
            ),
        )
    )
    form = FindForm(request.GET, facilities=facilities, poli_choices=_poli_choices(facilities))
    valid = form.is_valid()
    query = form.cleaned_data.get("q", "").strip() if valid else ""
    chosen_facility = form.cleaned_data.get("fasilitas", "") if valid else ""
    chosen_poli = form.cleaned_data.get("poli", "") if valid else ""
    words = query.casefold().split()
    # One query for the free places of every poli in the booking window.
    free = {}
    for session in actions.bookable_sessions(city=city):
        row = free.setdefault(session.clinic_id, {"jkn": 0, "general": 0, "next": None})
        row["jkn"] += session.free_jkn
        row["general"] += session.free_general
        if row["next"] is None and (session.free_jkn or session.free_general):
            row["next"] = session
    results = []
    for facility in facilities:
        if chosen_facility and facility.code != chosen_facility:
            continue
        rows = [
            {"clinic": clinic, "doctors": clinic.active_doctors, **free.get(clinic.pk, {"jkn": 0, "general": 0})}
            for clinic in facility.active_clinics
            if (not chosen_poli or clinic.code == chosen_poli) and _matches(clinic, clinic.active_doctors, words)
        ]
        if rows:
            results.append({"facility": facility, "clinics": rows})
    context = {
        "form": form,
        "results": results,
        "filtered": bool(query or chosen_facility or chosen_poli),
        "count": sum(len(r["clinics"]) for r in results),
        "days_ahead": settings.CLINIC_BOOKING_DAYS_AHEAD,
    }
    return render(request, "clinics/public/find.html", context, status=200 if valid else 400)


# --- A poli's free places per session (public) ------------------------------------------------


@require_safe
def clinic(request, facility_code, clinic_code):
    """The poli's bookable sessions of the booking window with their free places: one query for the
    sessions whatever the history (the counters are on the session rows)."""
    city = current_city_or_404()
    poli = actions.find_clinic(city, facility_code, clinic_code)
    doctors = list(poli.practitioners.filter(active=True).order_by("name"))
    form = DoctorFilterForm(request.GET, practitioners=doctors)
    valid = form.is_valid()
    chosen = next((d for d in doctors if valid and str(d.pk) == form.cleaned_data["dokter"]), None)
    sessions = actions.bookable_sessions(clinic=poli, practitioner=chosen, city=city)
    context = {
        "clinic": poli,
        "facility": poli.facility,
        "doctors": doctors,
        "chosen": chosen,
        "form": form,
        "days": _by_date(sessions),
        "days_ahead": settings.CLINIC_BOOKING_DAYS_AHEAD,
    }
    return render(request, "clinics/public/find_clinic.html", context, status=200 if valid else 400)


# --- Booking ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def book(request, session_id):
    user = request.user
    _check_citizen(user)
    city = current_city_or_404()
    session = (
        Session.objects.select_related("clinic__facility__city", "practitioner")
        .filter(pk=session_id, clinic__facility__city=city)
        .first()
    )
    if session is None:
        raise Http404("Sesi praktik tidak ditemukan.")
    posted = request.method == "POST"
    members = FamilyMember.objects.filter(owner=user).order_by("name")
    form = BookingForm(request.POST if posted else None, user=user, members=members, clinic=session.clinic)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = actions.do_book(
                user,
                session,
                payment_type=data["payment_type"],
                family_member=form.family_member(),
                bpjs_number=data["bpjs_number"],
                referral_number=data["referral_number"],
            )
        except ValidationError as error:
            add_action_errors(form, error, {"family_member": "patient"})
        else:
            messages.success(
                request,
                f"Pendaftaran {appointment.patient_name} di {session.clinic.name} berhasil: kode booking "
                f"{appointment.booking_code}, nomor antrean {appointment.queue_number}. Tunjukkan kode QR atau "
                "kode booking di loket pendaftaran saat datang.",
            )
            return redirect(links.appointment_url(appointment))
    context = {
        "session": session,
        "clinic": session.clinic,
        "facility": session.clinic.facility,
        "form": form,
        "cutoff_hours": settings.CLINIC_CANCEL_CUTOFF_HOURS,
    }
    return render(request, "clinics/citizen/book.html", context, status=400 if posted else 200)


# --- My appointments --------------------------------------------------------------------------


@login_required
@require_safe
def mine(request):
    user = request.user
    _check_citizen(user)
    city = current_city_or_404()
    today = timezone.localdate(timezone.now(), city.zone)
    appointments = actions.appointments_visible_to(user).select_related(
        "session__clinic__facility", "session__practitioner"
    )
    upcoming = appointments.filter(date__gte=today).exclude(status__in=ENDED_STATUSES)
    context = {
        "upcoming": list(upcoming.order_by("session__starts_at", "queue_number")),
        "past": list(
            appointments.exclude(pk__in=upcoming.values("pk")).order_by("-date", "-session__starts_at", "-id")[
                :PAST_SHOWN
            ]
        ),
        "past_shown": PAST_SHOWN,
    }
    return render(request, "clinics/citizen/mine.html", context)


def _own_appointment(request, code):
    """The citizen's own appointment with this booking code; 404 for anybody else's, as for an unknown one."""
    user = request.user
    _check_citizen(user)
    parsed = parse_booking_code(code)
    appointment = (
        Appointment.objects.select_related(
            "session__clinic__facility__city", "session__practitioner", "rescheduled_to", "rescheduled_from"
        )
        .filter(booking_code=parsed)
        .first()
        if parsed
        else None
    )
    try:
        if appointment is None:
            raise Http404
        return actions.access_appointment(user, appointment)
    except Http404:
        raise Http404(NOT_FOUND) from None


def _allowed(check, user, appointment):
    try:
        check(user, appointment)
    except (ValidationError, IllegalMove, PermissionDenied):
        return False
    return True


def qr_svg(code):
    """The booking code as an inline SVG QR code; its content is the code itself (the desk's scanner
    types it into the check-in field)."""
    # A full QR code (a code this short would otherwise become a Micro QR, which phone and desk scanners
    # do not read); sized by the stylesheet through its viewBox.
    qr = segno.make_qr(code, error="m")
    svg = qr.svg_inline(border=4, omitsize=True, title=f"Kode QR untuk kode booking {code}", svgclass="qr")
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))


@login_required
@require_safe
def appointment(request, code):
    appointment = _own_appointment(request, code)
    if code != appointment.booking_code:
        return redirect(links.appointment_url(appointment))
    user = request.user
    session = appointment.session
    city = session.clinic.facility.city
    now = timezone.now()
    on_the_day = session.date == timezone.localdate(now, city.zone)
    live = actions.current_estimate(appointment, now) if on_the_day else None
    context = {
        "appointment": appointment,
        "session": session,
        "clinic": session.clinic,
        "facility": session.clinic.facility,
        "practitioner": session.practitioner,
        "on_the_day": on_the_day,
        "live": live,
        "refresh_seconds": REFRESH_SECONDS,
        "refreshing": on_the_day and appointment.status not in ENDED_STATUSES,
        "now_serving": session.now_serving if on_the_day else 0,
        "qr": qr_svg(appointment.booking_code),
        "timeline": public_timeline(appointment),
        "may_cancel": _allowed(actions.check_cancel, user, appointment),
        "may_reschedule": _allowed(actions.check_reschedule, user, appointment),
        "cutoff": actions.change_cutoff(appointment),
        "waiting": appointment.status == Status.BOOKED,
        "moved_from": getattr(appointment, "rescheduled_from", None),
        "coming": appointment.status in WAITING_STATUSES,
    }
    return render(request, "clinics/citizen/appointment.html", context)


@login_required
@require_safe
def calendar(request, code):
    """The appointment as an .ics file for the patient's calendar (cancelled ones too, so the calendar drops it)."""
    appointment = _own_appointment(request, code)
    response = HttpResponse(
        appointment_ics(appointment, request.get_host().partition(":")[0]), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="pendaftaran-{appointment.booking_code}.ics"'
    return response


# --- Cancelling and rescheduling --------------------------------------------------------------


def _refusal(form, error):
    """An action's refusal: the cut-off (key "appointment") closes the page's form and is shown as the
    answer; anything else (the chosen session is full, …) goes next to its field."""
    errors = error.message_dict if hasattr(error, "error_dict") else {"appointment": error.messages}
    closing = errors.pop("appointment", [])
    if errors:
        add_action_errors(form, ValidationError(errors))
    return closing


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request, code):
    user = request.user
    appointment = _own_appointment(request, code)
    back = links.appointment_url(appointment)
    posted = request.method == "POST"
    form = CancelForm(request.POST if posted else None)
    refused = []
    try:
        if posted and form.is_valid():
            actions.do_cancel(user, appointment, reason=form.cleaned_data["reason"])
            messages.success(
                request, f"Pendaftaran {appointment.booking_code} dibatalkan. Tempatnya dikembalikan untuk pasien lain."
            )
            return redirect(back)
        actions.check_cancel(user, appointment)
    except ValidationError as error:
        refused = _refusal(form, error)
    except IllegalMove as refusal:
        return _conflict(request, refusal, back)
    context = {"appointment": appointment, "session": appointment.session, "form": form, "refused": refused}
    return render(request, "clinics/citizen/cancel.html", context, status=400 if posted else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reschedule(request, code):
    user = request.user
    appointment = _own_appointment(request, code)
    back = links.appointment_url(appointment)
    posted = request.method == "POST"
    sessions = [s for s in actions.bookable_sessions(clinic=appointment.clinic) if s.pk != appointment.session_id]
    form = RescheduleForm(request.POST if posted else None, sessions=sessions)
    refused = []
    try:
        actions.check_reschedule(user, appointment)
        if posted and form.is_valid():
            new = actions.do_reschedule(user, appointment, form.chosen())
            messages.success(
                request,
                f"Jadwal dipindah. Kode booking baru {new.booking_code}, nomor antrean {new.queue_number}; "
                f"kode lama {appointment.booking_code} tidak berlaku lagi.",
            )
            return redirect(links.appointment_url(new))
    except ValidationError as error:
        refused = _refusal(form, error)
    except IllegalMove as refusal:
        return _conflict(request, refusal, back)
    payment = appointment.payment_type
    context = {
        "appointment": appointment,
        "session": appointment.session,
        "form": form,
        "refused": refused,
        "choices": [(s, s.free(payment)) for s in sessions],
        "payment_label": "JKN" if payment == "jkn" else "umum",
    }
    return render(request, "clinics/citizen/reschedule.html", context, status=400 if posted else 200)


# --- Family members ---------------------------------------------------------------------------


def _family_page(request, form, *, remove_error="", status=200):
    members = [
        (member, mask_nik(member.nik))
        for member in FamilyMember.objects.filter(owner=request.user)
        .annotate(visits=Count("appointments"))
        .order_by("name")
    ]
    context = {"form": form, "members": members, "remove_error": remove_error}
    return render(request, "clinics/citizen/family.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def family(request):
    user = request.user
    _check_citizen(user)
    posted = request.method == "POST"
    form = FamilyMemberForm(request.POST if posted else None)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            member = actions.do_add_family_member(
                user, nik=data["nik"], name=data["name"], relation=data["relation"], birth_date=data["birth_date"]
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"{member.name} ditambahkan. Anda kini dapat mendaftarkannya berobat.")
            return redirect("clinics:family")
    return _family_page(request, form, status=400 if posted else 200)


@login_required
@require_POST
def family_remove(request, pk):
    user = request.user
    _check_citizen(user)
    member = FamilyMember.objects.filter(owner=user, pk=pk).first()
    if member is None:
        raise Http404("Anggota keluarga tidak ditemukan di antara keluarga Anda.")
    try:
        actions.do_remove_family_member(user, member)
    except ValidationError as error:
        text = " ".join(m for messages_ in error.message_dict.values() for m in messages_)
        return _family_page(request, FamilyMemberForm(), remove_error=text, status=400)
    messages.success(request, f"{member.name} dihapus dari anggota keluarga.")
    return redirect("clinics:family")
