"""Portal pages: landing, about, the citizen's own pages and the officer workspace shell."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from accounts.permissions import SEES_ALL, cases_visible_to
from audit.events import history
from cities.models import current_city
from deadlines.models import Deadline
from kotacerdas import domains
from portal.services import SERVICES

# How the account's own audit events read on "Riwayat akun"; unknown actions show their code.
ACCOUNT_EVENT_LABELS = {
    "account.registered": "Akun didaftarkan",
    "account.phone_verified": "Nomor HP diverifikasi",
    "account.email_verified": "E-mail diverifikasi",
    "account.locked": "Akun dikunci sementara",
    "account.changed": "Data akun diubah",
}

FLAGGED_DEADLINES_SHOWN = 20


def home(request):
    return render(request, "portal/home.html", {"services": SERVICES})


def about(request):
    city = current_city()
    opds = city.opds.all() if city is not None else []
    return render(request, "portal/about.html", {"services": SERVICES, "opds": opds})


@login_required
def my_cases(request):
    if not request.user.is_citizen:
        return redirect("portal:officer_workspace")
    events = [
        {
            "at": e.occurred_at,
            "label": ACCOUNT_EVENT_LABELS.get(e.action, e.action),
            "by": e.actor_label,
            "reason": e.reason,
        }
        for e in history(request.user).order_by("-id")
    ]
    cases = domains.citizen_cases(request.user)
    return render(request, "portal/my_cases.html", {"cases": cases, "services": SERVICES, "events": events})


@login_required
def profile(request):
    return render(request, "portal/profile.html", {"profile_user": request.user})


@login_required
def officer_workspace(request):
    user = request.user
    if not user.is_officer:
        raise PermissionDenied("Ruang kerja ini hanya untuk petugas. Masuk dengan NIP Anda.")
    context = {"counts": None, "flagged": [], "sees_all": user.role in SEES_ALL}
    if user.opd_id is not None or context["sees_all"]:
        # Officers see their own OPD's clocks; the Inspektorat, BCC and city admin see every OPD's.
        mine = cases_visible_to(user, Deadline.objects.all(), owner_field="holder", opd_field="opd")
        context["counts"] = {
            "live": mine.live().count(),
            "near": mine.near().count(),
            "breached": mine.breached().count(),
        }
        flagged = (mine.near() | mine.breached()).select_related("holder", "opd").order_by("due_at")
        context["flagged"] = flagged[:FLAGGED_DEADLINES_SHOWN]
    return render(request, "portal/officer_workspace.html", context)
