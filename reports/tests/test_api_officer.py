"""The e-Masyarakat API for officers: the Command Center's inbox, the OPD queue, the case file and every move."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from audit.events import public_timeline
from core.testing import api_client as api
from core.testing import api_error as error
from reports import actions
from reports.api import OFFICER_ACTIONS
from reports.models import Note, Photo, Report, Status
from reports.tests.conftest import photo
from reports.tests.test_api import submit

pytestmark = pytest.mark.usefixtures("media")


def act(user, report, action, body=None, **options):
    return api(user).post(f"/api/v1/officer/reports/{report.number}/{action}", body or {}, **options)


@pytest.fixture
def received(siti, tangsi):
    return submit(siti, tangsi)


@pytest.fixture
def dispositioned(received, bayu):
    actions.do_verify(bayu, received)
    return actions.do_disposition(bayu, received)


@pytest.fixture
def in_progress(dispositioned, budi):
    return actions.do_start_work(budi, dispositioned, "Penambalan dijadwalkan Kamis.")


# --- lists ------------------------------------------------------------------------------------------


def test_the_command_center_inbox_holds_reports_to_verify_and_to_route(received, siti, bayu, irma, tangsi):
    verified = actions.do_verify(bayu, submit(siti, tangsi))
    actions.do_disposition(bayu, actions.do_verify(bayu, submit(siti, tangsi)))

    for reader in (bayu, irma):
        response = api(reader).get("/api/v1/officer/reports/inbox")
        assert response.status_code == 200
        assert response.json()["count"] == 2
        assert [item["number"] for item in response.json()["results"]] == [received.number, verified.number]


@pytest.mark.parametrize(("who", "status_code"), [("budi", 403), ("siti", 403), (None, 401)])
def test_only_the_command_center_and_the_inspektorat_read_the_inbox(received, request, who, status_code):
    user = request.getfixturevalue(who) if who else None

    assert api(user).get("/api/v1/officer/reports/inbox").status_code == status_code


def test_budi_sees_his_opds_queue_by_deadline_and_dewi_does_not_see_it(dispositioned, budi, dewi, siti, bayu, tangsi):
    rubbish = actions.do_disposition(bayu, actions.do_verify(bayu, submit(siti, tangsi, category_code="sampah")))

    budi_queue = api(budi).get("/api/v1/officer/reports/queue").json()
    dewi_queue = api(dewi).get("/api/v1/officer/reports/queue", {"sort": "terbaru"}).json()

    assert [item["number"] for item in budi_queue["results"]] == [dispositioned.number]
    assert budi_queue["results"][0]["due_at"] is not None
    assert [item["number"] for item in dewi_queue["results"]] == [rubbish.number]


def test_the_queue_refuses_an_unknown_sort_and_citizens(dispositioned, budi, siti):
    bad = api(budi).get("/api/v1/officer/reports/queue", {"sort": "acak"})

    assert bad.status_code == 400 and "sort" in error(bad)["fields"]
    assert api(siti).get("/api/v1/officer/reports/queue").status_code == 403


# --- the case file --------------------------------------------------------------------------------------


def test_budi_reads_the_whole_case_with_history_and_internal_notes(in_progress, budi, siti):
    actions.do_add_note(budi, in_progress, "Aspal dipesan dari gudang.", public=False)

    response = api(budi).get(f"/api/v1/officer/reports/{in_progress.number}")

    assert response.status_code == 200
    case = response.json()
    assert case["reporter_contact"] == {
        "name": "Siti Aminah",
        "nik": siti.masked_nik,
        "phone": siti.phone,
        "email": siti.email,
    }
    assert siti.login_id not in response.content.decode()
    assert [note["text"] for note in case["notes"]] == ["Aspal dipesan dari gudang."]
    assert [entry["action"] for entry in case["history"]] == [
        "report.received",
        "report.verified",
        "report.dispositioned",
        "report.in_progress",
        "report.internal_note",
    ]
    assert {clock["kind"] for clock in case["deadlines"]} == {actions.CLOCK_RESOLVE}
    assert case["assigned_to"]["full_name"] == "Budi Santoso"


@pytest.mark.parametrize(("who", "status_code"), [("irma", 200), ("bayu", 200), ("dewi", 404), ("siti", 403)])
def test_the_case_file_is_for_those_who_may_see_the_case(in_progress, request, who, status_code):
    user = request.getfixturevalue(who)

    assert api(user).get(f"/api/v1/officer/reports/{in_progress.number}").status_code == status_code


# --- moves ------------------------------------------------------------------------------------------------


def test_bayu_verifies_and_dispositions_and_budi_starts_and_resolves(received, bayu, budi):
    assert act(bayu, received, "verify").json()["status"] == Status.VERIFIED
    assert act(bayu, received, "disposition").json()["opd"] == "dinas-pupr"
    started = act(budi, received, "start", {"plan": "Penambalan Kamis."}, format="json")
    assert started.json()["follow_up_plan"] == "Penambalan Kamis."
    resolved = act(
        budi,
        received,
        "resolve",
        {"response": "Sudah ditambal.", "proof_photos": [photo("bukti.jpg")]},
        format="multipart",
    )

    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == Status.RESOLVED
    assert [p["kind"] for p in resolved.json()["photos"]] == ["report", "proof"]


def test_the_command_center_may_send_a_report_to_another_opd(received, bayu, dewi):
    actions.do_verify(bayu, received)

    response = act(bayu, received, "disposition", {"opd": "dlh"}, format="json")
    unknown = act(bayu, received, "disposition", {"opd": "dinas-sulap"}, format="json")

    assert response.status_code == 200 and response.json()["opd"] == "dlh"
    assert unknown.status_code == 400 and "opd" in error(unknown)["fields"]
    assert api(dewi).get("/api/v1/officer/reports/queue").json()["count"] == 1


def test_verifying_twice_is_a_409_with_the_reason(received, bayu):
    act(bayu, received, "verify")

    response = act(bayu, received, "verify")

    assert response.status_code == 409
    assert error(response) == {
        "code": "conflict",
        "message": "Laporan berstatus 'Terverifikasi' tidak dapat diubah menjadi 'Terverifikasi'.",
    }


def test_starting_work_on_a_report_the_command_center_has_not_routed_is_a_409(received, budi):
    response = act(budi, received, "start", {"plan": "Langsung tambal."}, format="json")

    assert response.status_code == 409
    assert Report.objects.get(pk=received.pk).status == Status.RECEIVED


def test_rejecting_and_not_our_authority_need_a_reason(received, bayu, siti, tangsi):
    other = submit(siti, tangsi)

    no_reason = act(bayu, received, "reject", {"reason": ""}, format="json")
    rejected = act(bayu, received, "reject", {"reason": "Foto tidak menunjukkan masalah."}, format="json")
    not_ours = act(bayu, other, "not-authority", {"reason": "Jalan nasional: BPJN Sumut."}, format="json")

    assert no_reason.status_code == 400 and "reason" in error(no_reason)["fields"]
    assert rejected.json()["status"] == Status.REJECTED
    assert not_ours.json()["status"] == Status.NOT_AUTHORITY


def test_a_duplicate_is_merged_into_the_original_by_number(received, bayu, andi, tangsi):
    copy = submit(andi, tangsi)

    unknown = act(bayu, copy, "merge", {"into": "LP-2026-9999999"}, format="json")
    merged = act(bayu, copy, "merge", {"into": received.number}, format="json")

    assert unknown.status_code == 400 and "tidak ditemukan" in error(unknown)["fields"]["into"][0]
    assert merged.status_code == 200
    assert merged.json()["status"] == Status.DUPLICATE and merged.json()["duplicate_of"] == received.number
    assert Report.objects.get(pk=received.pk).support_count == 1


def test_budi_hands_a_wrong_disposition_back_to_the_command_center(dispositioned, budi):
    response = act(budi, dispositioned, "return", {"reason": "Ini saluran irigasi, bukan jalan."}, format="json")

    assert response.status_code == 200 and response.json()["status"] == Status.VERIFIED


def test_budi_assigns_to_hendra_but_not_to_dewi(in_progress, budi, hendra, dewi):
    to_dewi = act(budi, in_progress, "assign", {"officer": dewi.pk}, format="json")
    nobody = act(budi, in_progress, "assign", {"officer": 999999}, format="json")
    to_hendra = act(budi, in_progress, "assign", {"officer": hendra.pk}, format="json")

    assert to_dewi.status_code == 400 and "officer" in error(to_dewi)["fields"]
    assert nobody.status_code == 400 and "officer" in error(nobody)["fields"]
    assert to_hendra.status_code == 200 and to_hendra.json()["assigned_to"]["id"] == hendra.pk


def test_an_internal_note_never_reaches_the_public_but_a_reply_does(in_progress, budi):
    act(budi, in_progress, "note", {"text": "Anggaran tambal habis bulan ini.", "public": False}, format="json")
    reply = act(budi, in_progress, "note", {"text": "Tim datang Kamis pagi.", "public": True}, format="json")

    public = api().get(f"/api/v1/reports/{in_progress.number}").content.decode()
    assert reply.status_code == 200
    assert "Tim datang Kamis pagi." in public
    assert "Anggaran tambal habis" not in public
    assert Note.objects.filter(report=in_progress).count() == 2
    assert all("Anggaran" not in entry.text for entry in public_timeline(in_progress))


@pytest.mark.parametrize(
    ("proof_photos", "message"),
    [
        ([], "minimal satu foto"),
        (["fake"], "bukan foto JPEG, PNG atau WebP"),
    ],
)
def test_resolving_needs_a_real_proof_photo(in_progress, budi, proof_photos, message):
    files = [SimpleUploadedFile("bukti.jpg", b"teks", content_type="image/jpeg") for _ in proof_photos]
    response = act(budi, in_progress, "resolve", {"response": "Sudah.", "proof_photos": files}, format="multipart")

    assert response.status_code == 400
    assert message in error(response)["fields"]["proof_photos"][0]
    assert not Photo.objects.filter(kind=Photo.Kind.PROOF).exists()


# --- who must not ---------------------------------------------------------------------------------------------


def test_budi_cannot_do_the_command_centers_work(received, budi):
    response = act(budi, received, "verify")

    assert response.status_code == 403
    assert "Command Center" in error(response)["message"]


def test_dewi_cannot_see_a_pupr_report_so_acting_on_it_is_404(in_progress, dewi):
    response = act(dewi, in_progress, "resolve", {"response": "Sudah.", "proof_photos": [photo()]}, format="multipart")

    assert response.status_code == 404
    assert Report.objects.get(pk=in_progress.pk).status == Status.IN_PROGRESS


@pytest.mark.parametrize("action", list(OFFICER_ACTIONS))
def test_irma_reads_everything_but_every_move_is_403(in_progress, irma, hendra, siti, action):
    bodies = {
        "disposition": {"opd": "dlh"},
        "reject": {"reason": "x"},
        "not-authority": {"reason": "x"},
        "merge": {"into": in_progress.number},
        "start": {"plan": "x"},
        "return": {"reason": "x"},
        "resolve": {"response": "x", "proof_photos": [photo()]},
        "assign": {"officer": hendra.pk},
        "note": {"text": "x", "public": "true"},
    }

    response = act(irma, in_progress, action, bodies.get(action), format="multipart")

    assert response.status_code == 403, (action, response.content)
    assert Report.objects.get(pk=in_progress.pk).status == Status.IN_PROGRESS


@pytest.mark.parametrize("action", ["start", "resolve"])
def test_bayu_routes_reports_but_does_not_follow_them_up(dispositioned, bayu, action):
    body = {"start": {"plan": "Tambal."}, "resolve": {"response": "Sudah.", "proof_photos": [photo()]}}[action]

    response = act(bayu, dispositioned, action, body, format="multipart")

    assert response.status_code == 403
    assert Report.objects.get(pk=dispositioned.pk).status == Status.DISPOSITIONED


@pytest.mark.parametrize(("who", "status_code"), [("siti", 403), (None, 401)])
def test_citizens_and_strangers_cannot_use_officer_moves(received, request, who, status_code):
    user = request.getfixturevalue(who) if who else None

    assert act(user, received, "verify").status_code == status_code
    assert Report.objects.get(pk=received.pk).status == Status.RECEIVED


def test_every_officer_move_has_its_own_documented_path_and_input(db, tmp_path):
    target = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(target))
    paths = json.loads(target.read_text())["paths"]

    for action, spec in OFFICER_ACTIONS.items():
        operation = paths[f"/api/v1/officer/reports/{{number}}/{action}"]["post"]
        assert operation["summary"] == spec.summary
        assert ("requestBody" in operation) == (spec.serializer is not None)
