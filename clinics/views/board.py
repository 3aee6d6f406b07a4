"""The live queue boards: public, no login, queue numbers only.

`/dokter/antrean/<facility>/<poli>/` is a poli's board for its waiting-room screen; its `isi/` fragment is what
htmx fetches every ten seconds (without JavaScript the page reloads itself). Each of today's sessions of the
poli shows the number being served, the next numbers, skipped numbers and how many still wait — never a name
or a NIK. `/dokter/antrean/<facility>/` puts every poli of the facility on one screen (the hospital's lobby,
the Command Center's wall), a row per session. A fixed number of queries whatever the history: the poli or
facility, today's sessions, and their queues in one query (clinics.actions.queue_boards).
"""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cities.models import current_city_or_404
from clinics import actions
from clinics.models import SessionStatus

REFRESH_SECONDS = 10
# Without JavaScript the whole page reloads itself, a little less often.
RELOAD_SECONDS = 30
NEXT_SHOWN = 5


def board_context(facility_code, clinic_code):
    city = current_city_or_404()
    clinic = actions.find_clinic(city, facility_code, clinic_code)
    now = timezone.now()
    sessions = actions.sessions_of_day(clinic, timezone.localdate(now, city.zone))
    return {"clinic": clinic, "facility": clinic.facility, **_board_rows(sessions, city, now)}


def facility_board_context(facility_code):
    city = current_city_or_404()
    facility = actions.find_facility(city, facility_code)
    now = timezone.now()
    sessions = actions.facility_sessions_of_day(facility, timezone.localdate(now, city.zone))
    return {"facility": facility, **_board_rows(sessions, city, now)}


def _board_rows(sessions, city, now):
    """A row per session: its queue board (None when cancelled) and whether it is over."""
    open_sessions = [session for session in sessions if session.status == SessionStatus.OPEN]
    boards = dict(zip(open_sessions, actions.queue_boards(open_sessions, shown=NEXT_SHOWN), strict=True))
    return {
        "updated_at": timezone.localtime(now, city.zone),
        "rows": [
            {"session": session, "board": boards.get(session), "finished": _finished(session, boards.get(session), now)}
            for session in sessions
        ],
        "refresh_seconds": REFRESH_SECONDS,
        "reload_seconds": RELOAD_SECONDS,
    }


def _finished(session, board, now):
    """Past its end with nobody left in the queue (a late queue stays on the board until it is empty)."""
    return session.ends_at <= now and board is not None and not (board.now_serving or board.waiting or board.skipped)


@never_cache
def board(request, facility_code, clinic_code):
    context = board_context(facility_code, clinic_code)
    context["kiosk"] = request.GET.get("layar") == "penuh"
    return render(request, "clinics/board/board.html", context)


@never_cache
def board_fragment(request, facility_code, clinic_code):
    return render(request, "clinics/board/_queues.html", board_context(facility_code, clinic_code))


@never_cache
def facility_board(request, facility_code):
    """Every poli of the facility on one screen. htmx fetches the page itself and takes its queue table (one URL,
    so a poli with any code keeps its own board's address)."""
    context = facility_board_context(facility_code)
    context["kiosk"] = request.GET.get("layar") == "penuh"
    return render(request, "clinics/board/facility.html", context)
