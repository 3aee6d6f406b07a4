"""The waiting-room screen of Poli Anak at RSUD Dr. R.M. Djoelham on Monday: anyone may open it, it shows queue
numbers (now serving, next, skipped, how many wait) and never a patient's name or NIK, it refreshes itself
(htmx every ten seconds, a plain reload without JavaScript), and it costs the same few queries however many
patients the poli has seen."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinics import actions
from clinics.models import Appointment, Facility, Status
from clinics.tests.conftest import AISYAH_NIK, MONDAY, NOW, at, book, session_of
from conftest import ANDI_NIK, SITI_NIK, make_citizen

BOARD = reverse("clinics:board", args=["rsud-djoelham", "anak"])
FRAGMENT = reverse("clinics:board_fragment", args=["rsud-djoelham", "anak"])
FACILITY_BOARD = reverse("clinics:facility_board", args=["rsud-djoelham"])
NAMES_AND_NIKS = ["Siti Aminah", "Aisyah Putri", "Andi Saputra", SITI_NIK, AISYAH_NIK, ANDI_NIK]


@pytest.fixture
def morning(siti, andi, aisyah, sri, poli_anak, clock):
    """Aisyah (1), Andi (2), Siti (3) and a fourth patient (4) booked; 1, 3 and 4 checked in; at 08.35 number 1 is
    called, skipped (not there), and number 3 is called."""
    first, second, third = book(siti, poli_anak, member=aisyah), book(andi, poli_anak), book(siti, poli_anak)
    fourth = book(make_citizen("1275025507920006", "Wati Ginting", phone="+6281234567809"), poli_anak)
    for appointment in (first, third, fourth):
        actions.do_check_in(sri, appointment.booking_code, now=at(MONDAY, 8))
    called = actions.do_call_next(sri, poli_anak, now=at(MONDAY, 8, 30))
    actions.do_skip(sri, called, now=at(MONDAY, 8, 33))
    actions.do_call_next(sri, poli_anak, now=at(MONDAY, 8, 35))
    clock.set(at(MONDAY, 8, 36))
    for appointment in (first, second, third, fourth):
        appointment.refresh_from_db()
    return [first, second, third, fourth]


def board_of(response, session):
    return next(row["board"] for row in response.context["rows"] if row["session"].pk == session.pk)


def test_the_board_shows_numbers_only(client, morning, poli_anak):
    response = client.get(BOARD)
    assert response.status_code == 200
    board = board_of(response, poli_anak)
    assert (board.now_serving, board.next_numbers, board.skipped, board.waiting, board.not_checked_in) == (
        3,
        [4],
        [1],
        1,
        1,
    )
    body = response.content.decode()
    assert "dr. Rahmawati Lubis, Sp.A" in body
    assert '<span class="board-label">Sedang dilayani</span> <span class="board-number">3</span>' in body
    for secret in NAMES_AND_NIKS + ["Wati Ginting", "1275025507920006"]:
        assert secret not in body
    for appointment in morning:
        assert appointment.booking_code not in body


def test_the_fragment_shows_the_same_numbers_without_names_and_the_page_refreshes_itself(client, morning, poli_anak):
    page = client.get(BOARD).content.decode()
    assert f'hx-get="{FRAGMENT}"' in page and 'hx-trigger="every 10s"' in page
    assert '<noscript><meta http-equiv="refresh" content="30"></noscript>' in page
    assert "vendor/htmx/htmx.min.js" in page

    response = client.get(FRAGMENT, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment and "<header" not in fragment
    assert board_of(response, poli_anak).now_serving == 3
    assert "Dilewati" in fragment
    for secret in NAMES_AND_NIKS + ["Wati Ginting", "1275025507920006"]:
        assert secret not in fragment
    assert "no-cache" in response["Cache-Control"] and "no-cache" in client.get(BOARD)["Cache-Control"]


def test_the_board_follows_the_queue(client, sri, morning, poli_anak, clock):
    third = morning[2]
    actions.do_mark_served(sri, third, now=at(MONDAY, 8, 37))
    actions.do_mark_done(sri, third, now=at(MONDAY, 8, 45))
    board = board_of(client.get(FRAGMENT), poli_anak)
    assert (board.now_serving, board.next_numbers) == (None, [4])
    actions.do_call_next(sri, poli_anak, now=at(MONDAY, 8, 46))
    board = board_of(client.get(FRAGMENT), poli_anak)
    assert (board.now_serving, board.next_numbers, board.waiting) == (4, [], 0)


def test_a_poli_with_two_sessions_today_shows_both_and_a_cancelled_one_says_so(client, sri, siti, sessions, clock):
    morning_session = session_of("rsud-djoelham", "umum")
    afternoon = session_of("rsud-djoelham", "umum", practitioner="dr. Rizky")
    assert morning_session.pk != afternoon.pk
    book(siti, afternoon)
    actions.do_cancel_session(sri, afternoon, reason="Dokter mengikuti pelatihan", now=NOW)
    response = client.get(reverse("clinics:board", args=["rsud-djoelham", "umum"]))
    rows = response.context["rows"]
    assert [row["session"].pk for row in rows] == [morning_session.pk, afternoon.pk]
    assert rows[1]["board"] is None
    body = response.content.decode()
    assert "Praktik ini dibatalkan hari ini." in body and "Dokter mengikuti pelatihan" not in body


def test_an_ended_session_with_nobody_left_says_it_is_over(client, morning, poli_anak, sri, clock):
    for appointment in Appointment.objects.filter(status__in=[Status.CHECKED_IN, Status.SKIPPED, Status.CALLED]):
        Appointment.objects.filter(pk=appointment.pk).update(status=Status.DONE)
    clock.set(at(MONDAY, 12, 30))
    actions.mark_no_shows(now=at(MONDAY, 12, 30))
    response = client.get(FRAGMENT)
    assert "Sesi praktik sudah selesai." in response.content.decode()


def test_on_a_day_without_practice_the_board_says_so(client, sessions, clock):
    clock.set(NOW + timedelta(days=4))  # Friday: Poli Anak only in the afternoon (dr. Andre Tarigan)
    response = client.get(BOARD)
    assert [row["session"].practitioner.name for row in response.context["rows"]] == ["dr. Andre Tarigan, Sp.A"]
    clock.set(NOW + timedelta(days=6))  # Sunday
    assert "Tidak ada praktik di Poli Anak hari ini." in client.get(FRAGMENT).content.decode()


def test_unknown_facilities_and_poli_are_not_found(client, sessions, clock):
    for args in (["rsud-djoelham", "tidak-ada"], ["tidak-ada", "anak"], ["puskesmas-binjai-kota", "anak"]):
        assert client.get(reverse("clinics:board", args=args)).status_code == 404
        assert client.get(reverse("clinics:board_fragment", args=args)).status_code == 404


def test_the_full_screen_mode_hides_the_site_around_the_board(client, sessions, clock):
    assert "board-kiosk" in client.get(BOARD, {"layar": "penuh"}).content.decode()
    assert "board-kiosk" not in client.get(BOARD).content.decode()


@pytest.mark.parametrize("url", [FRAGMENT, FACILITY_BOARD], ids=["poli", "facility"])
def test_the_boards_cost_the_same_few_queries_however_long_the_queue(
    client, sri, morning, poli_anak, url, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(5):
        nik = f"12750255079200{index + 10}"
        actions.do_register_walk_in(
            sri, poli_anak, nik=nik, name=f"Pasien {index}", payment_type="general", now=at(MONDAY, 8, 36)
        )
    yesterday_like = session_of("rsud-djoelham", "anak", day=MONDAY + timedelta(days=1))
    book(make_citizen("1275026608950007", "Lina Sari", phone="+6281234567810"), yesterday_like)
    with CaptureQueriesContext(connection) as more:
        response = client.get(url)
    assert board_of(response, poli_anak).waiting == 6
    assert len(more) == len(few)
    for board in (url, BOARD, reverse("clinics:board", args=["rsud-djoelham", "umum"])):
        with django_assert_max_num_queries(4):
            client.get(board)


# --- the facility's board: every poli on one screen (the lobby, the Command Center's wall) ---------------------


def test_the_facility_board_shows_every_poli_of_the_day_with_numbers_only(client, morning, poli_anak):
    response = client.get(FACILITY_BOARD)

    assert response.status_code == 200
    rows = response.context["rows"]
    assert {row["session"].clinic.facility.code for row in rows} == {"rsud-djoelham"}
    assert len({row["session"].clinic.code for row in rows}) > 5  # Monday morning: most of the RSUD's poli
    board = board_of(response, poli_anak)
    assert (board.now_serving, board.next_numbers, board.waiting) == (3, [4], 1)
    body = response.content.decode()
    assert '<td class="board-cell-number" data-label="Dilayani">3</td>' in body
    assert f'href="{BOARD}"' in body  # each poli leads to its own board
    for secret in NAMES_AND_NIKS + ["Wati Ginting", "1275025507920006"]:
        assert secret not in body
    for appointment in morning:
        assert appointment.booking_code not in body
    assert "no-cache" in response["Cache-Control"]


def test_the_facility_board_refreshes_itself(client, sri, morning, poli_anak):
    page = client.get(FACILITY_BOARD).content.decode()
    assert f'hx-get="{FACILITY_BOARD}"' in page and 'hx-select="#isi-antrean"' in page
    assert 'hx-trigger="every 10s"' in page
    assert '<noscript><meta http-equiv="refresh" content="30"></noscript>' in page

    actions.do_mark_served(sri, morning[2], now=at(MONDAY, 8, 37))
    actions.do_call_next(sri, poli_anak, now=at(MONDAY, 8, 38))
    assert board_of(client.get(FACILITY_BOARD), poli_anak).now_serving == 4


def test_the_facility_board_says_which_sessions_are_cancelled_or_over(client, sri, siti, sessions, clock):
    afternoon = session_of("rsud-djoelham", "umum", practitioner="dr. Rizky")
    actions.do_cancel_session(sri, afternoon, reason="Dokter mengikuti pelatihan", now=NOW)
    clock.set(at(MONDAY, 12, 30))  # the morning sessions have ended with nobody in them
    body = client.get(FACILITY_BOARD).content.decode()
    assert "Dibatalkan hari ini" in body and "Dokter mengikuti pelatihan" not in body
    assert "Selesai" in body


def test_on_a_sunday_the_facility_board_says_there_is_no_practice(client, sessions, clock):
    clock.set(NOW + timedelta(days=6))
    assert "Tidak ada praktik di RSUD Dr. R.M. Djoelham Binjai hari ini." in client.get(FACILITY_BOARD).content.decode()


def test_an_unknown_or_closed_facility_has_no_board(client, sessions, clock):
    assert client.get(reverse("clinics:facility_board", args=["tidak-ada"])).status_code == 404
    Facility.objects.filter(code="puskesmas-binjai-kota").update(active=False)
    assert client.get(reverse("clinics:facility_board", args=["puskesmas-binjai-kota"])).status_code == 404
