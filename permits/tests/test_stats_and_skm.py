"""What e-Perizinan exposes to the Command Center, the portal and the public: stats, citizen cases, SKM."""

from datetime import timedelta

import pytest
from django.utils import timezone

from deadlines import scanner
from deadlines.models import Deadline
from kotacerdas.domains import citizen_cases as all_citizen_cases
from permits import actions
from permits.exports import citizen_cases, stats
from permits.models import Application, SurveyResponse
from permits.skm import compute_ikm, grade_of
from permits.tests.conftest import PBG_FORM, draft, issue, submitted

pytestmark = pytest.mark.usefixtures("media")


def answers(*values):
    return {f"u{n}": value for n, value in enumerate(values, start=1)}


# --- the SKM index (PermenPANRB 14/2017) ------------------------------------------------------------


def test_the_index_is_the_average_of_the_nine_element_averages_times_25():
    assert compute_ikm([answers(*[4] * 9)]).index == 100.0
    assert compute_ikm([answers(*[1] * 9)]).index == 25.0
    two = compute_ikm([answers(4, 3, 3, 4, 3, 3, 4, 2, 3), answers(3, 3, 2, 4, 3, 4, 4, 3, 3)])
    assert two.element_averages["u1"] == 3.5 and two.element_averages["u8"] == 2.5
    # (3.5 + 3 + 2.5 + 4 + 3 + 3.5 + 4 + 2.5 + 3) / 9 × 25
    assert two.index == round(29 / 9 * 25, 2) == 80.56
    assert (two.grade, two.grade_label, two.respondents) == ("B", "Baik", 2)
    assert compute_ikm([]) is None


@pytest.mark.parametrize(
    "index, grade",
    [(100, "A"), (88.31, "A"), (88.30, "B"), (76.61, "B"), (76.60, "C"), (65.00, "C"), (64.99, "D"), (25, "D")],
)
def test_the_grade_follows_the_regulation_s_conversion_table(index, grade):
    assert grade_of(index)[0] == grade


def test_siti_rates_her_issued_siup_and_the_index_is_published_per_type_and_quarter(issued_siup, siti, city):
    response = actions.do_answer_survey(siti, issued_siup, answers(4, 4, 3, 4, 3, 3, 4, 3, 4), "Cepat, terima kasih.")

    assert response.comment == "Cepat, terima kasih." and response.answers() == [4, 4, 3, 4, 3, 3, 4, 3, 4]
    local = timezone.localtime(response.created_at, city.zone)
    period = f"{local.year}-T{(local.month - 1) // 3 + 1}"
    figures = stats(city)
    siup = figures["skm_by_type"]["siup"][period]
    assert siup["respondents"] == 1 and siup["ikm"] == round(32 / 9 * 25, 2) and siup["grade"] == "A"
    assert figures["skm_overall"][period]["ikm"] == siup["ikm"]
    assert compute_ikm(SurveyResponse.objects.all()).index == siup["ikm"]


# --- the Command Center's figures -------------------------------------------------------------------


def test_stats_count_applications_by_type_step_status_and_opd_and_name_their_holders(
    siti, andi, city, fajar, budi, rahmat
):
    draft(siti, city)  # not counted
    siup = submitted(siti, city, "siup")
    actions.do_claim(fajar, siup)
    pbg = submitted(andi, city, "pbg", form=PBG_FORM)
    actions.do_forward(fajar, pbg)
    actions.do_claim(budi, pbg)
    issue(submitted(siti, city, "siup"), fajar, rahmat)

    figures = stats(city)

    assert figures["total"] == 3 and figures["open"] == 2
    assert figures["submitted_today"] == figures["submitted_this_month"] == 3
    assert figures["by_status"] == {"in_review": 2, "issued": 1}
    assert figures["by_type"] == {"siup": 2, "pbg": 1}
    assert figures["by_step"] == {"siup": {"verifikasi": 1}, "pbg": {"pemeriksaan_teknis": 1}}
    assert figures["by_opd"] == {"dpmptsp": 1, "dinas-pupr": 1}
    held = {row["number"]: (row["holder"], row["opd"], row["step"]) for row in figures["in_progress"]}
    assert held == {
        siup.registration_number: ("Fajar Nugroho", "dpmptsp", "Verifikasi berkas oleh front office DPMPTSP"),
        pbg.registration_number: ("Budi Santoso", "dinas-pupr", "Pemeriksaan dokumen rencana teknis oleh Dinas PUPR"),
    }
    assert figures["in_progress_total"] == 2
    processing = figures["processing_by_type"]["siup"]
    assert processing["decided"] == 1 and processing["sla_working_hours"] == 24.0
    assert processing["median_working_hours"] <= 1 and processing["share_within_sla"] == 1.0


def test_late_steps_show_on_the_command_center_after_the_scan(siup, city, fajar, irma):
    actions.do_claim(fajar, siup)
    due = Deadline.objects.for_case(siup).get().due_at
    scanner.scan(now=due + timedelta(minutes=1))

    late = stats(city, now=due + timedelta(minutes=2))["late_steps"]

    assert late["count"] == 1 and late["by_opd"] == {"dpmptsp": 1}
    assert late["items"][0]["number"] == siup.registration_number
    assert late["items"][0]["holder"] == "Fajar Nugroho" and late["items"][0]["step"] == "verifikasi"
    assert stats(city, now=due + timedelta(minutes=2))["in_progress"][0]["overdue"] is True


def test_a_decision_past_the_sla_counts_against_the_share_within_it(siup, city, fajar, rahmat):
    Application.objects.filter(pk=siup.pk).update(submitted_at=timezone.now() - timedelta(days=14))
    siup.refresh_from_db()
    issue(siup, fajar, rahmat)

    processing = stats(city)["processing_by_type"]["siup"]

    assert processing["median_working_hours"] > 24 and processing["share_within_sla"] == 0.0


# --- the citizen's "my cases" -------------------------------------------------------------------------


def test_siti_finds_her_drafts_and_applications_among_her_cases(siti, andi, city):
    in_draft = draft(siti, city)
    sent = submitted(siti, city, "siup")

    cases = citizen_cases(siti)

    assert {case.number for case in cases} == {f"Draf #{in_draft.pk}", sent.registration_number}
    assert {case.url for case in cases} == {
        f"/izin/saya/draf/{in_draft.pk}/",
        f"/izin/saya/{sent.registration_number}/",
    }
    assert {case.service for case in cases} == {"e-Perizinan"}
    assert citizen_cases(andi) == []
    assert sent.registration_number in {case.number for case in all_citizen_cases(siti)}
