"""Monday at RSUD Dr. R.M. Djoelham: Sri checks patients in at the desk, registers a walk-in, and the poli
calls, recalls, skips and serves them; Agus (Dinas Kesehatan) does the same at a puskesmas only."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from audit.models import AuditEvent
from clinics import actions
from clinics.models import Practitioner, Session, Status
from clinics.tests.conftest import BPJS, MONDAY, NOW, at, book, session_of
from conftest import make_citizen


@pytest.fixture
def three_booked(siti, andi, aisyah, poli_anak):
    return [book(siti, poli_anak, member=aisyah), book(andi, poli_anak), book(siti, poli_anak)]


def test_sri_checks_in_by_booking_code_typed_loosely(sri, three_booked):
    first = three_booked[0]
    typed = f"{first.booking_code[:4].lower()}-{first.booking_code[4:]}"
    appointment = actions.do_check_in(sri, typed, now=at(MONDAY, 8))
    assert appointment.pk == first.pk and appointment.status == Status.CHECKED_IN
    assert appointment.checked_in_at == at(MONDAY, 8)
    with pytest.raises(actions.IllegalMove):
        actions.do_check_in(sri, first.booking_code, now=at(MONDAY, 8))


def test_check_in_only_on_the_day_and_before_the_session_ends(sri, three_booked):
    code = three_booked[0].booking_code
    with pytest.raises(actions.IllegalMove):
        actions.do_check_in(sri, code, now=NOW - timedelta(days=1))
    with pytest.raises(actions.IllegalMove):
        actions.do_check_in(sri, code, now=at(MONDAY, 12))


def test_unknown_codes_and_other_facilities_codes_are_not_found(sri, agus, budi, three_booked):
    with pytest.raises(Http404):
        actions.do_check_in(sri, "ZZZZ2222", now=NOW)
    with pytest.raises(Http404):
        actions.do_check_in(sri, "not a code", now=NOW)
    for outsider in (agus, budi):
        with pytest.raises(Http404):
            actions.do_check_in(outsider, three_booked[0].booking_code, now=NOW)


def test_citizens_and_the_inspektorat_do_not_work_the_queue(siti, irma, three_booked, poli_anak):
    for user in (siti, irma):
        with pytest.raises(PermissionDenied):
            actions.do_call_next(user, poli_anak, now=NOW)
    assert actions.access_appointment(irma, three_booked[0])  # reads everything


def test_the_command_center_reads_no_patients_appointment(bayu, three_booked):
    with pytest.raises(Http404):
        actions.access_appointment(bayu, three_booked[0])
    assert not actions.appointments_visible_to(bayu).exists()


def test_the_poli_calls_in_queue_order_of_those_checked_in(sri, three_booked, poli_anak):
    first, second, third = three_booked
    actions.do_check_in(sri, third.booking_code, now=at(MONDAY, 8))
    actions.do_check_in(sri, first.booking_code, now=at(MONDAY, 8, 5))

    called = actions.do_call_next(sri, poli_anak, now=at(MONDAY, 8, 30))
    assert called.pk == first.pk and called.called_at == at(MONDAY, 8, 30)
    with pytest.raises(actions.IllegalMove) as exc:
        actions.do_call_next(sri, poli_anak, now=at(MONDAY, 8, 31))
    assert str(exc.value) == "Nomor 1 masih dipanggil: tandai sedang dilayani atau lewati dulu."

    actions.do_mark_served(sri, called, now=at(MONDAY, 8, 32))
    actions.do_mark_done(sri, called, now=at(MONDAY, 8, 40))
    assert actions.do_call_next(sri, poli_anak, now=at(MONDAY, 8, 41)).pk == third.pk
    poli_anak.refresh_from_db()
    assert poli_anak.now_serving == 3
    first.refresh_from_db()
    assert (first.status, first.served_at, first.done_at) == (Status.DONE, at(MONDAY, 8, 32), at(MONDAY, 8, 40))
    assert [e.action for e in AuditEvent.objects.filter(object_id=str(first.pk)).order_by("id")] == [
        "clinic.booked",
        "clinic.checked_in",
        "clinic.called",
        "clinic.served",
        "clinic.done",
    ]


def test_nobody_waiting_means_nothing_to_call(sri, three_booked, poli_anak):
    assert actions.do_call_next(sri, poli_anak, now=at(MONDAY, 8, 30)) is None


def test_recall_and_skip_an_absent_patient_who_later_turns_up(sri, three_booked, poli_anak):
    first, second, _ = three_booked
    for appointment in (first, second):
        actions.do_check_in(sri, appointment.booking_code, now=at(MONDAY, 8))
    called = actions.do_call_next(sri, poli_anak, now=at(MONDAY, 8, 30))
    actions.do_recall(sri, called, now=at(MONDAY, 8, 32))
    assert called.call_count == 2 and called.called_at == at(MONDAY, 8, 30)
    actions.do_skip(sri, called, now=at(MONDAY, 8, 34))
    assert called.status == Status.SKIPPED

    nxt = actions.do_call_next(sri, poli_anak, now=at(MONDAY, 8, 35))
    assert nxt.pk == second.pk
    with pytest.raises(actions.IllegalMove):
        actions.do_recall(sri, called, now=at(MONDAY, 8, 36))  # number 2 is still being called
    actions.do_mark_served(sri, nxt, now=at(MONDAY, 8, 37))
    actions.do_recall(sri, called, now=at(MONDAY, 8, 50))
    assert called.status == Status.CALLED and called.call_count == 3
    with pytest.raises(actions.IllegalMove):
        actions.do_mark_done(sri, called)  # not served yet


def test_recall_does_not_jump_the_queue(sri, three_booked, poli_anak):
    first, second, _ = three_booked
    for appointment in (first, second):
        actions.do_check_in(sri, appointment.booking_code, now=at(MONDAY, 8))
    with pytest.raises(actions.IllegalMove):
        actions.do_recall(sri, second, now=at(MONDAY, 8, 30))
    assert actions.do_call_next(sri, poli_anak, now=at(MONDAY, 8, 30)) == first


def test_the_doctor_with_a_login_works_the_queue_of_their_own_sessions(sri, three_booked, poli_anak, city):
    doctor = make_citizen("1275015003800006", "dr. Rahmawati Lubis, Sp.A", phone="")
    Practitioner.objects.filter(pk=poli_anak.practitioner_id).update(user=doctor)
    poli_anak.refresh_from_db()
    actions.do_check_in(sri, three_booked[0].booking_code, now=at(MONDAY, 8))
    assert actions.do_call_next(doctor, poli_anak, now=at(MONDAY, 8, 30)).pk == three_booked[0].pk
    other = session_of("rsud-djoelham", "anak", MONDAY + timedelta(days=3), "dr. Andre")
    with pytest.raises(PermissionDenied):
        actions.do_call_next(doctor, other, now=NOW)


def test_walk_in_patients_join_the_same_queue_within_the_counter_quota(sri, three_booked, poli_anak, andi):
    walk_in = actions.do_register_walk_in(
        sri, poli_anak, nik="1271024505880007", name="Rahma Sitepu", payment_type="general", now=at(MONDAY, 9)
    )
    assert (walk_in.queue_number, walk_in.status, walk_in.walk_in, walk_in.patient) == (4, "checked_in", True, None)
    assert walk_in.estimated_at == at(MONDAY, 9)  # number 4 was planned at 09.00 anyway
    # Andi already booked this poli today: no second place at the counter.
    with pytest.raises(ValidationError):
        actions.do_register_walk_in(
            sri, poli_anak, nik=andi.login_id, name=andi.full_name, payment_type="general", now=at(MONDAY, 9)
        )
    Session.objects.filter(pk=poli_anak.pk).update(quota_walk_in=1)
    with pytest.raises(ValidationError) as exc:
        actions.do_register_walk_in(
            sri, poli_anak, nik="1275011111700008", name="Darwin", payment_type="general", now=at(MONDAY, 9)
        )
    assert exc.value.message_dict["session"] == ["Kuota loket sesi ini sudah penuh."]


def test_walk_in_input_is_checked_and_links_an_existing_account(sri, siti, poli_anak):
    with pytest.raises(ValidationError) as exc:
        actions.do_register_walk_in(sri, poli_anak, nik="123", name="", payment_type="jkn", now=at(MONDAY, 9))
    assert set(exc.value.message_dict) == {"nik", "name", "bpjs_number", "referral_number"}
    with pytest.raises(actions.IllegalMove):
        actions.do_register_walk_in(
            sri, poli_anak, nik=siti.login_id, name="Siti", payment_type="general", now=at(MONDAY, 12)
        )
    walk_in = actions.do_register_walk_in(
        sri, poli_anak, nik=siti.login_id, name="Siti Aminah", payment_type="general", now=at(MONDAY, 9)
    )
    assert walk_in.patient == siti


def test_puskesmas_staff_of_the_dinas_kesehatan_work_the_puskesmas_not_the_rsud(agus, sri, siti, sessions):
    puskesmas = session_of("puskesmas-kebun-lada", "umum")
    appointment = book(siti, puskesmas, payment="jkn", bpjs_number=BPJS)
    with pytest.raises(Http404):
        actions.do_check_in(sri, appointment.booking_code, now=at(MONDAY, 7, 30))
    assert actions.do_check_in(agus, appointment.booking_code, now=at(MONDAY, 7, 30)).status == Status.CHECKED_IN
    with pytest.raises(PermissionDenied):
        actions.do_call_next(agus, session_of("rsud-djoelham", "anak"), now=NOW)


def test_the_live_estimate_follows_the_queue(sri, three_booked, poli_anak):
    first, second, third = three_booked
    assert actions.current_estimate(third, NOW).estimated_at == at(MONDAY, 8, 50)
    # Andi cancels in time: Siti's number 3 moves up by one place.
    actions.do_cancel(second.patient, second, now=at(MONDAY, 6))
    position = actions.current_estimate(third, at(MONDAY, 6))
    assert (position.ahead, position.estimated_at) == (1, at(MONDAY, 8, 40))
    # The session starts late: at 09.00 number 1 is only now called.
    actions.do_check_in(sri, first.booking_code, now=at(MONDAY, 8))
    actions.do_check_in(sri, third.booking_code, now=at(MONDAY, 8))
    actions.do_call_next(sri, poli_anak, now=at(MONDAY, 9))
    assert actions.current_estimate(third, at(MONDAY, 9)).estimated_at == at(MONDAY, 9, 10)
    first.refresh_from_db()
    assert actions.current_estimate(first, at(MONDAY, 9)) is None


def test_the_board_shows_numbers_only(sri, three_booked, poli_anak):
    first, second, third = three_booked
    for appointment in (first, second, third):
        actions.do_check_in(sri, appointment.booking_code, now=at(MONDAY, 8))
    called = actions.do_call_next(sri, poli_anak, now=at(MONDAY, 8, 30))
    actions.do_skip(sri, called, now=at(MONDAY, 8, 31))
    actions.do_call_next(sri, poli_anak, now=at(MONDAY, 8, 32))
    poli_anak.refresh_from_db()

    board = actions.queue_board(poli_anak)

    assert (board.now_serving, board.next_numbers, board.skipped, board.waiting, board.last_number) == (
        2,
        [3],
        [1],
        1,
        3,
    )
    assert "Siti" not in str(board) and "Aisyah" not in str(board) and "Andi" not in str(board)
