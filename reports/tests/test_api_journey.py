"""The issue's "done when", through the API only: Siti's damaged road in Tangsi, from her phone to closed."""

import pytest
from rest_framework.test import APIClient

from conftest import PASSWORD, SITI_NIK
from notifications.models import Notification
from reports.models import Report, Status
from reports.tests.conftest import TANGSI_POINT, photo, receive

pytestmark = pytest.mark.usefixtures("media")


def logged_in(login_id):
    """A mobile app: trade the login for a token, then send it with every request."""
    client = APIClient()
    response = client.post("/api/v1/auth/token", {"login_id": login_id, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_a_damaged_road_in_tangsi_goes_from_sitis_phone_to_closed_and_public_without_personal_data(
    siti, bayu, budi, tangsi
):
    pupr = budi.opd
    siti_app, bayu_app, budi_app = logged_in(SITI_NIK), logged_in(bayu.login_id), logged_in(budi.login_id)

    posted = siti_app.post(
        "/api/v1/reports",
        {
            "category": "jalan-rusak",
            "description": "Jalan Tangsi berlubang dalam di depan SD Negeri, motor sering terjatuh.",
            "kelurahan": tangsi.pk,
            "lat": TANGSI_POINT[0],
            "lon": TANGSI_POINT[1],
            "attributes": '{"tingkat_kerusakan": "berat"}',
            "photos": [photo("lubang.jpg")],
        },
        format="multipart",
    )
    assert posted.status_code == 201, posted.content
    number = posted.json()["number"]
    assert posted.json()["status"] == Status.SUBMITTED
    receive(Report.objects.get())  # the worker's intake, moments later
    assert Notification.objects.filter(user=siti, template="report_received").exists()

    inbox = bayu_app.get("/api/v1/officer/reports/inbox").json()
    assert [item["number"] for item in inbox["results"]] == [number]
    assert bayu_app.post(f"/api/v1/officer/reports/{number}/verify").json()["status"] == Status.VERIFIED
    routed = bayu_app.post(f"/api/v1/officer/reports/{number}/disposition")
    assert routed.json()["opd"] == "dinas-pupr" and routed.json()["opd_name"] == pupr.name

    queue = budi_app.get("/api/v1/officer/reports/queue").json()
    assert [item["number"] for item in queue["results"]] == [number]
    plan = {"plan": "Tim tambal jalan datang Kamis pagi."}
    assert budi_app.post(f"/api/v1/officer/reports/{number}/start", plan, format="json").status_code == 200
    resolved = budi_app.post(
        f"/api/v1/officer/reports/{number}/resolve",
        {"response": "Lubang sudah ditambal dan dipadatkan.", "proof_photos": [photo("sesudah.jpg")]},
        format="multipart",
    )
    assert resolved.json()["status"] == Status.RESOLVED

    mine = siti_app.get("/api/v1/me/reports").json()["results"]
    assert [(item["number"], item["status"]) for item in mine] == [(number, Status.RESOLVED)]
    rated = siti_app.post(f"/api/v1/reports/{number}/rate", {"rating": 5, "comment": "Terima kasih, cepat."})
    assert rated.status_code == 200 and rated.json()["status"] == Status.CLOSED

    public = APIClient().get(f"/api/v1/reports/{number}")
    detail = public.json()
    assert detail["status"] == Status.CLOSED and detail["rating"] == 5
    assert detail["resolution"] == "Lubang sudah ditambal dan dipadatkan."
    assert [entry["text"] for entry in detail["timeline"]] == [
        "Laporan diterima dan menunggu verifikasi.",
        "Laporan telah diverifikasi oleh Command Center.",
        f"Laporan diteruskan ke {pupr.name} untuk ditindaklanjuti.",
        "Sedang ditindaklanjuti: Tim tambal jalan datang Kamis pagi.",
        "Selesai ditangani: Lubang sudah ditambal dan dipadatkan.",
        "Pelapor memberi nilai 5 dari 5; laporan ditutup.",
    ]
    assert [p["kind"] for p in detail["photos"]] == ["report", "proof"]
    for item in detail["photos"]:
        assert APIClient().get(item["url"]).status_code == 200
    body = public.content.decode()
    for personal in (SITI_NIK, siti.phone, siti.email, "Budi", "Bayu", "Terima kasih, cepat."):
        assert personal not in body
    assert Report.objects.get().closed_at is not None
