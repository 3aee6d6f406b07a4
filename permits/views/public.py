"""The public side of e-Perizinan (no login): the permit catalogue, a permit type's page, tracking an
application by its registration number, and the satisfaction index (SKM) per permit type and quarter.

Tracking shows what `permits.actions.track()` gives — the step and the status — and nothing of the
applicant, the company, the form or the officers.
"""

import re

from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cities.models import current_city_or_404
from permits import actions, exports
from permits.forms import SearchForm, TrackingForm, formats_text
from permits.models import ApplicantKind
from permits.skm import ELEMENTS, GRADES

ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def _no_store(response):
    # Tracking answers change with every move, and nobody's search should be indexed.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- The catalogue ----------------------------------------------------------------------------


@require_safe
def catalogue(request):
    current_city_or_404()
    form = SearchForm(request.GET)
    types = actions.catalogue()
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        for word in query.split():
            types = types.filter(_name_matches(word))
    groups = {}
    for permit_type in types.order_by("group", "name"):
        groups.setdefault(permit_type.group or "Lainnya", []).append(permit_type)
    context = {"form": form, "groups": groups, "query": query, "count": sum(len(g) for g in groups.values())}
    return render(request, "permits/public/catalogue.html", context, status=200 if form.is_valid() else 400)


def _name_matches(word):
    return Q(name__icontains=word) | Q(short_name__icontains=word) | Q(code__icontains=word)


def step_duration(step):
    """'8 jam kerja' or '2 hari kerja': how long a step may take."""
    if "deadline_hours" in step:
        return f"{step['deadline_hours']:g} jam kerja"
    return f"{step['deadline_days']} hari kerja"


def step_actor(step, opd_name):
    """Who handles a step: 'Petugas DPMPTSP' or 'Kepala Dinas PUPR'."""
    return f"{actions.ROLE_NAMES[step['role']].capitalize()} {opd_name}"


def formula_in_words(permit_type):
    """A fee formula with the form's labels for its names: 'Luas lantai (m²) × 10.000'."""
    fee = permit_type.fee
    if fee.get("kind") != "formula":
        return ""
    labels = {field["code"]: field["label"] for field in permit_type.form_fields}
    words = {"*": "×", "/": ":", "+": "+", "-": "−", "(": "(", ")": ")"}
    parts = []
    for token in re.findall(r"[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|[-+*/()]", fee["expression"]):
        if token in words:
            parts.append(words[token])
        elif token[0].isdigit():
            whole, _, fraction = token.partition(".")
            parts.append(f"{int(whole):,}".replace(",", ".") + (f",{fraction}" if fraction else ""))
        else:
            parts.append(labels.get(token, token))
    return " ".join(parts).replace("( ", "(").replace(" )", ")")


def validity_text(permit_type):
    if not permit_type.validity_months:
        return "Tidak ada masa berlaku: izin berlaku selama tidak dicabut."
    months = permit_type.validity_months
    if months % 12 == 0:
        return f"{months // 12} tahun sejak tanggal terbit."
    return f"{months} bulan sejak tanggal terbit."


def requirement_for(requirement):
    who = requirement.get("applicant")
    if who == ApplicantKind.COMPANY:
        return "khusus permohonan atas nama badan usaha"
    if who == ApplicantKind.PERSON:
        return "khusus permohonan perorangan"
    return ""


def type_steps(permit_type):
    opds = {"issuing": permit_type.issuing_opd, "technical": permit_type.technical_opd}
    return [
        {
            "name": step["name"],
            "actor": step_actor(step, opds[step["opd"]].short_name),
            "duration": step_duration(step),
        }
        for step in permit_type.steps
    ]


@require_safe
def type_detail(request, code):
    current_city_or_404()
    permit_type = actions.catalogue().filter(code=code).first()
    if permit_type is None:
        raise Http404("Jenis izin tidak ditemukan.")
    documents = [
        {
            **requirement,
            "formats_text": formats_text(requirement["formats"]),
            "max_mb": requirement.get("max_mb", 5),
            "required": requirement.get("required", True),
            "for_whom": requirement_for(requirement),
        }
        for requirement in permit_type.required_documents
    ]
    context = {
        "permit_type": permit_type,
        "documents": documents,
        "steps": type_steps(permit_type),
        "formula": formula_in_words(permit_type),
        "validity": validity_text(permit_type),
    }
    return render(request, "permits/public/type_detail.html", context)


# --- Tracking by registration number ----------------------------------------------------------


@require_safe
def track(request):
    city = current_city_or_404()
    context = {"form": TrackingForm(), "result": None, "unknown": None}
    status = 200
    if "nomor" in request.GET:
        form = TrackingForm(request.GET)
        context["form"] = form
        if not form.is_valid():
            status = 400
        else:
            number = form.cleaned_data["nomor"]
            context["result"] = actions.track(number, city)
            if context["result"] is None:
                context["unknown"] = number
                status = 404
    return _no_store(render(request, "permits/public/track.html", context, status=status))


# --- The satisfaction index (SKM) -------------------------------------------------------------


def period_label(period):
    """'2026-T1' → 'Triwulan I 2026'."""
    year, _, quarter = period.partition("-T")
    return f"Triwulan {ROMAN.get(quarter, quarter)} {year}"


@require_safe
def skm(request):
    city = current_city_or_404()
    names = dict(actions.catalogue(city).values_list("code", "name"))
    by_type = exports.skm_by_type(city)
    overall = exports.skm_overall(city)
    periods = []
    for period in sorted(overall, reverse=True):
        rows = [
            {"code": code, "name": names.get(code, code), **quarters[period]}
            for code, quarters in by_type.items()
            if period in quarters
        ]
        rows.sort(key=lambda row: row["name"])
        elements = [
            {"name": element, "average": overall[period]["element_averages"][code]} for code, element, *_ in ELEMENTS
        ]
        periods.append(
            {
                "period": period,
                "label": period_label(period),
                "overall": overall[period],
                "rows": rows,
                "elements": elements,
            }
        )
    grades = []
    upper = 100.0
    for floor, grade, label in GRADES:
        grades.append({"grade": grade, "label": label, "floor": floor, "upper": upper})
        upper = round(floor - 0.01, 2)
    context = {"periods": periods, "grades": grades, "elements": [element for _, element, *_ in ELEMENTS]}
    return render(request, "permits/public/skm.html", context)
