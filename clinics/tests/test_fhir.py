"""e-Dokter through FHIR R4 at /fhir/r4/, as a FHIR client uses it.

Every document the server answers — resources, searchset Bundles, OperationOutcomes, the CapabilityStatement —
is parsed with the FHIR R4 (4.0.1) models of `fhir.resources` 6.4.0, which refuse unknown elements, missing
required ones and badly typed values; the codes of the required value sets are checked here as well (the
models do not check them).

Siti books for her daughter Aisyah at Poli Anak of RSUD Dr. R.M. Djoelham; Andi must never see her bookings;
Sri works at the RSUD, Agus at the Dinas Kesehatan (the puskesmas). NOW is Monday 1 March 2027, 07:00.
"""

import json

import fhir.resources
import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from clinics import actions
from clinics.fhir import patients
from clinics.fhir.resources import APPOINTMENT_CODES, SLOT_CODES, extension_url, system_url
from clinics.models import Appointment, Facility, Session, SessionStatus, Status
from clinics.tests.conftest import BPJS, MONDAY, REFERRAL, at, book, one_day, session_of

pytestmark = pytest.mark.usefixtures("clock")

TUESDAY = one_day(MONDAY)
FHIR_JSON = "application/fhir+json"
PARTICIPANT_STATUSES = {"accepted", "declined", "tentative", "needs-action"}


def fhir_client(user=None):
    """A FHIR client authenticating with the site's API token."""
    if user is None:
        return Client()
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def check(resource):
    """Parse with the library's R4 model of its type (raises on anything invalid) and check the codes."""
    fhir.resources.construct_fhir_element(resource["resourceType"], resource)
    kind = resource["resourceType"]
    if kind == "Bundle":
        assert resource["type"] == "searchset"
        for entry in resource["entry"]:
            assert entry["fullUrl"].endswith(f"/fhir/r4/{entry['resource']['resourceType']}/{entry['resource']['id']}")
            check(entry["resource"])
    elif kind == "Slot":
        assert resource["status"] in SLOT_CODES
    elif kind == "Appointment":
        assert resource["status"] in APPOINTMENT_CODES
        assert {p["status"] for p in resource["participant"]} <= PARTICIPANT_STATUSES
    elif kind == "OperationOutcome":
        assert all(issue["severity"] in {"fatal", "error", "warning", "information"} for issue in resource["issue"])
    return resource


def get(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(FHIR_JSON)
    return check(response.json())


def post(client, body, status=201, content_type=FHIR_JSON):
    response = client.post("/fhir/r4/Appointment", json.dumps(body), content_type=content_type)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(FHIR_JSON)
    return response, check(response.json())


def ids(bundle):
    return [entry["resource"]["id"] for entry in bundle["entry"]]


def outcome(document):
    assert document["resourceType"] == "OperationOutcome"
    return document["issue"][0]


def booking(slot_id, patient_id, *, payment="general", bpjs=None, referral=None, status="booked"):
    body = {
        "resourceType": "Appointment",
        "status": status,
        "extension": [
            {
                "url": extension_url("payment-type"),
                "valueCoding": {"system": "ignored-by-the-server", "code": payment},
            }
        ],
        "slot": [{"reference": f"Slot/{slot_id}"}],
        "participant": [{"actor": {"reference": f"Patient/{patient_id}"}, "status": "accepted"}],
    }
    if bpjs:
        body["extension"].append(
            {
                "url": extension_url("bpjs-card-number"),
                "valueIdentifier": {"system": system_url("bpjs-card"), "value": bpjs},
            }
        )
    if referral:
        body["basedOn"] = [
            {"type": "ServiceRequest", "identifier": {"system": system_url("referral"), "value": referral}}
        ]
    return body


def extension(resource, name):
    return next(item for item in resource["extension"] if item["url"] == extension_url(name))


def capacity(slot):
    return {
        part["extension"][0]["valueCoding"]["code"]: (
            part["extension"][1]["valueUnsignedInt"],
            part["extension"][2]["valueUnsignedInt"],
        )
        for part in slot["extension"]
        if part["url"] == extension_url("slot-capacity")
    }


# --- the story ------------------------------------------------------------------------------------


def test_a_fhir_client_finds_the_free_slot_of_poli_anak_books_it_for_aisyah_and_reads_the_appointment(
    siti, aisyah, poli_anak
):
    anonymous = fhir_client()
    rsud = Facility.objects.get(code="rsud-djoelham")
    services = get(anonymous, f"/fhir/r4/HealthcareService?organization=Organization/{rsud.pk}&name=anak")
    assert [entry["resource"]["name"] for entry in services["entry"]] == ["Poli Anak"]
    service_id = ids(services)[0]
    schedules = get(anonymous, f"/fhir/r4/Schedule?actor=HealthcareService/{service_id}")
    schedule_id = f"{poli_anak.practitioner_id}-{poli_anak.clinic_id}"
    assert schedule_id in ids(schedules) and schedules["total"] == 2  # two paediatricians
    slots = get(anonymous, f"/fhir/r4/Slot?schedule=Schedule/{schedule_id}&start=2027-03-01&status=free")
    assert ids(slots) == [str(poli_anak.pk)]
    slot = slots["entry"][0]["resource"]
    assert slot["start"] == "2027-03-01T08:30:00+07:00"
    assert capacity(slot) == {"jkn": (poli_anak.quota_jkn, poli_anak.quota_jkn), "general": (10, 10)}

    siti_client = fhir_client(siti)
    people = get(siti_client, "/fhir/r4/Patient")
    assert [entry["resource"]["name"][0]["text"] for entry in people["entry"]] == ["Siti Aminah", "Aisyah Putri"]
    aisyah_id = ids(people)[1]
    assert aisyah.nik not in aisyah_id and len(aisyah_id) <= 64

    response, created = post(siti_client, booking(slot["id"], aisyah_id, payment="jkn", bpjs=BPJS, referral=REFERRAL))
    stored = Appointment.objects.get()
    assert response["Location"] == f"http://testserver/fhir/r4/Appointment/{stored.pk}"
    assert created["status"] == "booked"
    assert created["identifier"][0] == {
        "use": "official",
        "system": system_url("booking-code"),
        "value": stored.booking_code,
    }
    assert extension(created, "queue-number")["valuePositiveInt"] == stored.queue_number == 1
    assert extension(created, "payment-type")["valueCoding"]["code"] == "jkn"
    assert created["basedOn"][0]["identifier"]["value"] == REFERRAL
    assert created["start"] == "2027-03-01T08:30:00+07:00"
    assert created["slot"] == [{"reference": f"Slot/{poli_anak.pk}"}]
    actors = [p["actor"].get("reference") for p in created["participant"]]
    assert actors == [
        f"Patient/{aisyah_id}",
        f"Practitioner/{poli_anak.practitioner_id}",
        f"HealthcareService/{poli_anak.clinic_id}",
        f"Location/{rsud.pk}",
    ]
    assert (stored.family_member, stored.payment_type, stored.bpjs_number) == (aisyah, "jkn", BPJS)

    read = get(siti_client, response["Location"])
    assert read == created
    found = get(siti_client, f"/fhir/r4/Appointment?patient=Patient/{aisyah_id}&date=2027-03-01&status=booked")
    assert ids(found) == [str(stored.pk)] and found["total"] == 1
    assert get(siti_client, f"/fhir/r4/Appointment?patient={ids(people)[0]}")["total"] == 0
    assert (
        get(siti_client, f"/fhir/r4/Appointment?identifier={system_url('booking-code')}|{stored.booking_code}")["total"]
        == 1
    )
    after = get(anonymous, f"/fhir/r4/Slot/{poli_anak.pk}")
    assert capacity(after)["jkn"] == (poli_anak.quota_jkn, poli_anak.quota_jkn - 1)


def test_metadata_is_a_capability_statement_of_what_is_supported(city):
    statement = get(fhir_client(), "/fhir/r4/metadata")
    assert statement["resourceType"] == "CapabilityStatement" and statement["fhirVersion"] == "4.0.1"
    assert statement["format"] == ["json"]
    supported = {item["type"]: item for item in statement["rest"][0]["resource"]}
    assert list(supported) == [
        "Practitioner",
        "Organization",
        "Location",
        "HealthcareService",
        "Schedule",
        "Slot",
        "Appointment",
        "Patient",
    ]
    assert [i["code"] for i in supported["Appointment"]["interaction"]] == ["read", "search-type", "create"]
    assert {p["name"] for p in supported["Slot"]["searchParam"]} >= {"schedule", "start", "status", "_count"}
    assert {p["name"] for p in supported["Appointment"]["searchParam"]} >= {"patient", "date", "status"}


def test_the_directory_reads_and_searches_validate_and_are_public(sessions):
    client = fhir_client()
    rsud = Facility.objects.get(code="rsud-djoelham")
    for kind in ("Practitioner", "Organization", "Location", "HealthcareService", "Schedule", "Slot"):
        bundle = get(client, f"/fhir/r4/{kind}?_count=3")
        assert bundle["total"] > 3 or kind in ("Organization", "Location")
        first = bundle["entry"][0]["resource"]
        assert get(client, f"/fhir/r4/{kind}/{first['id']}") == first
    organization = get(client, f"/fhir/r4/Organization/{rsud.pk}")
    assert organization["name"] == rsud.name
    location = get(client, f"/fhir/r4/Location?organization={rsud.pk}")
    assert ids(location) == [str(rsud.pk)]
    services = get(client, f"/fhir/r4/HealthcareService?organization=Organization/{rsud.pk}&_count=100")
    assert services["total"] == 10
    doctor = get(client, "/fhir/r4/Practitioner?name=rahmawati")["entry"][0]["resource"]
    schedules = get(client, f"/fhir/r4/Schedule?actor=Practitioner/{doctor['id']}")
    assert "Senin 08.30–12.00" in schedules["entry"][0]["resource"]["comment"]
    puskesmas = Facility.objects.get(code="puskesmas-binjai-kota")
    assert get(client, f"/fhir/r4/Schedule?actor=Location/{puskesmas.pk}")["total"] >= 1


def test_paging_follows_the_next_link_through_every_match(sessions):
    client = fhir_client()
    first = get(client, "/fhir/r4/Slot?start=2027-03-01&_count=2")
    total = first["total"]
    seen = ids(first)
    page = first
    while any(link["relation"] == "next" for link in page["link"]):
        page = get(client, next(link["url"] for link in page["link"] if link["relation"] == "next"))
        seen += ids(page)
    assert len(seen) == len(set(seen)) == total == Session.objects.filter(date=MONDAY).count()
    assert page["link"][0]["relation"] == "self" and any(link["relation"] == "previous" for link in page["link"])


# --- slots ----------------------------------------------------------------------------------------


def test_slot_status_free_busy_when_full_and_busy_unavailable_when_cancelled_started_or_not_yet_open(poli_anak):
    client = fhir_client()
    slot = f"/fhir/r4/Slot/{poli_anak.pk}"
    assert get(client, slot)["status"] == "free"
    Session.objects.filter(pk=poli_anak.pk).update(
        booked_jkn=poli_anak.quota_jkn, booked_general=poli_anak.quota_general
    )
    assert get(client, slot)["status"] == "busy"
    assert str(poli_anak.pk) in ids(get(client, "/fhir/r4/Slot?status=busy&start=2027-03-01&_count=100"))
    assert str(poli_anak.pk) not in ids(get(client, "/fhir/r4/Slot?status=free&start=2027-03-01&_count=100"))
    Session.objects.filter(pk=poli_anak.pk).update(status=SessionStatus.CANCELLED, cancel_reason="Dokter sakit")
    cancelled = get(client, slot)
    assert cancelled["status"] == "busy-unavailable" and "Dokter sakit" in cancelled["comment"]
    later = session_of("rsud-djoelham", "anak", MONDAY.replace(day=15))
    assert later is None or get(client, f"/fhir/r4/Slot/{later.pk}")["status"] == "busy-unavailable"
    started = session_of("rsud-djoelham", "umum")
    Session.objects.filter(pk=started.pk).update(starts_at=at(MONDAY, 6))
    unavailable = ids(get(client, "/fhir/r4/Slot?status=busy-unavailable&start=2027-03-01&_count=100"))
    assert {str(poli_anak.pk), str(started.pk)} <= set(unavailable)


def test_a_slot_on_a_holiday_declared_since_is_not_offered(city, poli_anak):
    client = fhir_client()
    city.holidays.create(date=MONDAY, name="Cuti bersama")

    assert get(client, f"/fhir/r4/Slot/{poli_anak.pk}")["status"] == "busy-unavailable"
    free = ids(get(client, "/fhir/r4/Slot?status=free&start=2027-03-01&_count=100"))
    assert free == []
    assert str(poli_anak.pk) in ids(get(client, "/fhir/r4/Slot?status=busy-unavailable&start=2027-03-01&_count=100"))
    assert ids(get(client, "/fhir/r4/Slot?status=free&start=2027-03-02&_count=100"))  # Tuesday is a working day


def test_slot_start_prefixes_pick_the_days_and_times(sessions):
    client = fhir_client()
    monday = set(ids(get(client, "/fhir/r4/Slot?start=2027-03-01&_count=100")))
    assert monday == {str(pk) for pk in Session.objects.filter(date=MONDAY).values_list("pk", flat=True)}
    tuesday_on = get(client, "/fhir/r4/Slot?start=ge2027-03-02&start=lt2027-03-03&_count=100")
    assert tuesday_on["total"] == Session.objects.filter(date=TUESDAY).count()
    mornings = get(client, "/fhir/r4/Slot?start=ge2027-03-01T08:30:00%2B07:00&start=le2027-03-01T09:00&_count=100")
    expected = Session.objects.filter(starts_at__gte=at(MONDAY, 8, 30), starts_at__lt=at(MONDAY, 9, 1))
    assert set(ids(mornings)) == {str(pk) for pk in expected.values_list("pk", flat=True)} != set()
    utc = get(client, "/fhir/r4/Slot?start=eq2027-03-01T01:30Z&_count=100")
    assert set(ids(utc)) == {
        str(pk) for pk in Session.objects.filter(starts_at=at(MONDAY, 8, 30)).values_list("pk", flat=True)
    }
    assert get(client, "/fhir/r4/Slot?start=gt2027-03-14&_count=1")["total"] == 0
    assert get(client, "/fhir/r4/Slot?start=lt2027-03-01")["total"] == 0


# --- bad searches ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "code", "words"),
    [
        ("/fhir/r4/Slot?when=2027-03-01", "not-supported", "Parameter pencarian 'when' tidak didukung untuk Slot"),
        ("/fhir/r4/Slot?status:not=free", "not-supported", "Modifier ':not'"),
        ("/fhir/r4/Slot?status=vrij", "invalid", "Nilai 'vrij' untuk status tidak dikenal"),
        ("/fhir/r4/Slot?start=01-03-2027", "invalid", "bukan tanggal FHIR"),
        ("/fhir/r4/Slot?start=2027-02-30", "invalid", "tidak ada di kalender"),
        ("/fhir/r4/Slot?start=ge0001-01-01", "invalid", "antara 1900 dan 9998"),
        ("/fhir/r4/Appointment?date=lt9999-12-31", "invalid", "antara 1900 dan 9998"),
        ("/fhir/r4/Slot?start=ap2027-03-01", "not-supported", "Awalan 'ap'"),
        ("/fhir/r4/Slot?schedule=Practitioner/1", "invalid", "schedule menunjuk Practitioner"),
        ("/fhir/r4/Slot?schedule=abc", "invalid", "Id Schedule 'abc'"),
        ("/fhir/r4/Slot?_count=0", "invalid", "_count harus bilangan bulat 1–100"),
        ("/fhir/r4/Slot?_count=1000", "invalid", "_count harus bilangan bulat 1–100"),
        ("/fhir/r4/Slot?_sort=start", "not-supported", "'_sort' tidak didukung"),
        ("/fhir/r4/Appointment?patient=Group/1", "invalid", "patient menunjuk Group"),
        ("/fhir/r4/Appointment?date=tomorrow", "invalid", "bukan tanggal FHIR"),
        ("/fhir/r4/Schedule?actor=Practitioner/x", "invalid", "harus angka"),
        ("/fhir/r4/metadata?mode=full", "not-supported", "'mode' tidak didukung"),
    ],
)
def test_an_invalid_search_parameter_is_a_400_operation_outcome_saying_why(sessions, url, code, words):
    issue = outcome(get(fhir_client(), url, status=400))
    assert issue["code"] == code and words in issue["diagnostics"]


def test_unknown_ids_types_and_methods_answer_operation_outcomes(sessions, siti):
    client = fhir_client(siti)
    assert outcome(get(client, "/fhir/r4/Slot/999999", status=404))["code"] == "not-found"
    assert outcome(get(client, "/fhir/r4/Schedule/1", status=404))["code"] == "not-found"
    assert outcome(get(client, "/fhir/r4/Patient/1234", status=404))["code"] == "not-found"
    assert outcome(get(client, "/fhir/r4/Observation", status=404))["code"] == "not-supported"
    assert outcome(get(client, "/fhir/r4/Slot/1/_history", status=404))["code"] == "not-found"
    response = client.delete(f"/fhir/r4/Slot/{Session.objects.first().pk}")
    assert response.status_code == 405 and outcome(check(response.json()))["code"] == "not-supported"
    response = client.post("/fhir/r4/Slot", "{}", content_type=FHIR_JSON)
    assert response.status_code == 405


def test_json_only_xml_is_refused_and_format_json_accepted(city):
    client = fhir_client()
    assert get(client, "/fhir/r4/metadata?_format=json")["resourceType"] == "CapabilityStatement"
    assert get(client, "/fhir/r4/metadata?_format=application/fhir%2Bjson")["resourceType"] == "CapabilityStatement"
    assert get(client, "/fhir/r4/metadata", HTTP_ACCEPT="application/fhir+json")["fhirVersion"] == "4.0.1"
    assert get(client, "/fhir/r4/metadata", HTTP_ACCEPT="text/html,*/*;q=0.8")["fhirVersion"] == "4.0.1"
    for url, headers in [
        ("/fhir/r4/metadata?_format=xml", {}),
        ("/fhir/r4/Slot?_format=application/fhir%2Bxml", {}),
        ("/fhir/r4/metadata", {"HTTP_ACCEPT": "application/fhir+xml"}),
    ]:
        assert "FHIR JSON" in outcome(get(client, url, status=406, **headers))["diagnostics"]
    assert outcome(get(client, "/fhir/r4/metadata?_format=yaml", status=400))["code"] == "invalid"


def test_a_wrong_token_is_401_and_a_session_post_needs_its_csrf_token(siti, aisyah, poli_anak):
    bad = Client(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = bad.get("/fhir/r4/Slot")
    assert response.status_code == 401 and outcome(check(response.json()))["code"] == "login"
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(siti)
    assert get(browser, "/fhir/r4/Patient")["total"] == 2
    response = browser.post(
        "/fhir/r4/Appointment",
        json.dumps(booking(poli_anak.pk, patients.of_member(aisyah))),
        content_type=FHIR_JSON,
    )
    assert response.status_code == 403 and "CSRF" in outcome(check(response.json()))["diagnostics"]
    assert not Appointment.objects.exists()


# --- booking by POST -------------------------------------------------------------------------------


def test_bad_bookings_fail_clearly_with_the_booking_rules_message(siti, aisyah, andi, sri, poli_anak):
    client = fhir_client(siti)
    me, child = patients.of_user(siti), patients.of_member(aisyah)

    # The same rules as the web booking: duplicate, full, past.
    post(client, booking(poli_anak.pk, child))
    _, document = post(client, booking(poli_anak.pk, child), status=409)
    issue = outcome(document)
    assert issue["code"] == "business-rule" and "Aisyah Putri sudah terdaftar di Poli Anak" in issue["diagnostics"]
    assert issue["expression"] == ["Appointment.slot"]
    Session.objects.filter(pk=poli_anak.pk).update(booked_general=poli_anak.quota_general)
    _, document = post(client, booking(poli_anak.pk, me), status=409)
    assert "Kuota pasien umum sesi ini sudah penuh" in outcome(document)["diagnostics"]
    past = Session.objects.create(
        **{
            field: getattr(poli_anak, field)
            for field in ("clinic", "practitioner", "start", "end", "quota_jkn", "quota_general", "minutes_per_patient")
        },
        date=MONDAY.replace(day=1, month=2),
        starts_at=at(MONDAY.replace(month=2), 8, 30),
        ends_at=at(MONDAY.replace(month=2), 12),
    )
    _, document = post(client, booking(past.pk, me), status=409)
    assert "Tanggal sesi ini sudah lewat" in outcome(document)["diagnostics"]

    tuesday = session_of("rsud-djoelham", "anak", TUESDAY) or session_of("rsud-djoelham", "umum", TUESDAY)
    _, document = post(client, booking(tuesday.pk, me, payment="jkn"), status=400)
    issues = document["issue"]
    assert {issue["code"] for issue in issues} == {"invalid"}
    assert "Nomor kartu BPJS Kesehatan wajib diisi untuk pasien JKN." in [issue["diagnostics"] for issue in issues]
    _, document = post(client, booking(tuesday.pk, me, payment="cash"), status=400)
    assert "Pilih cara bayar" in outcome(document)["diagnostics"]

    for body, status, code, words in [
        ({**booking(tuesday.pk, me), "slot": []}, 400, "required", "tepat satu slot"),
        (booking(999999, me), 400, "invalid", "Slot/999999 tidak ditemukan"),
        ({**booking(tuesday.pk, me), "participant": []}, 400, "required", "tepat satu peserta pasien"),
        (booking(tuesday.pk, "bukan-id-pasien-yang-benar-sama-sekali"), 400, "invalid", "tidak dikenal"),
        (booking(tuesday.pk, patients.of_user(andi)), 403, "forbidden", "diri sendiri atau anggota keluarga"),
        (booking(tuesday.pk, me, status="fulfilled"), 400, "invalid", "'proposed' atau 'booked'"),
        ({"resourceType": "Patient"}, 400, "invalid", "resource Appointment"),
    ]:
        _, document = post(client, body, status=status)
        issue = outcome(document)
        assert issue["code"] == code and words in issue["diagnostics"], (body, issue)

    response = client.post("/fhir/r4/Appointment", "{not json", content_type=FHIR_JSON)
    assert response.status_code == 400 and outcome(response.json())["code"] == "structure"
    response = client.post("/fhir/r4/Appointment", "<Appointment/>", content_type="application/fhir+xml")
    assert response.status_code == 415 and outcome(check(response.json()))["code"] == "not-supported"
    _, document = post(fhir_client(), booking(tuesday.pk, me), status=401)
    assert outcome(document)["code"] == "login"
    _, document = post(fhir_client(sri), booking(tuesday.pk, me), status=403)
    assert outcome(document)["code"] == "forbidden"
    assert Appointment.objects.count() == 1


# --- who sees which appointment ----------------------------------------------------------------------


def test_patients_see_only_their_own_and_staff_only_their_facilitys(siti, aisyah, andi, sri, agus, poli_anak):
    mine = book(siti, poli_anak, member=aisyah)
    url = f"/fhir/r4/Appointment/{mine.pk}"
    child = patients.of_member(aisyah)
    assert get(fhir_client(siti), url)["id"] == str(mine.pk)

    andi_client = fhir_client(andi)
    assert outcome(get(andi_client, url, status=404))["code"] == "not-found"
    assert get(andi_client, "/fhir/r4/Appointment")["total"] == 0
    assert get(andi_client, f"/fhir/r4/Appointment?patient=Patient/{child}")["total"] == 0
    assert get(andi_client, f"/fhir/r4/Patient/{child}", status=404)
    assert get(andi_client, "/fhir/r4/Patient")["total"] == 1

    anonymous = fhir_client()
    assert get(anonymous, "/fhir/r4/Appointment")["total"] == 0
    assert get(anonymous, url, status=404)
    assert get(anonymous, f"/fhir/r4/Patient/{child}", status=404)

    # Sri (RSUD) sees the RSUD's appointment and its patient; Agus (Dinas Kesehatan, the puskesmas) sees none.
    sri_client = fhir_client(sri)
    assert ids(get(sri_client, f"/fhir/r4/Appointment?date=2027-03-01&patient={child}")) == [str(mine.pk)]
    patient = get(sri_client, f"/fhir/r4/Patient/{child}")
    assert patient["name"][0]["text"] == "Aisyah Putri" and patient["gender"] == "female"
    assert patient["birthDate"] == str(aisyah.birth_date)
    assert get(sri_client, "/fhir/r4/Patient")["total"] == 0
    agus_client = fhir_client(agus)
    assert get(agus_client, "/fhir/r4/Appointment")["total"] == 0
    assert get(agus_client, url, status=404)
    assert get(agus_client, f"/fhir/r4/Patient/{child}", status=404)
    assert get(fhir_client(siti), f"/fhir/r4/Patient/{child}")["identifier"][0]["value"] == aisyah.nik


def test_patient_ids_made_under_a_retired_secret_key_still_resolve_while_it_is_a_fallback(
    settings, siti, aisyah, poli_anak
):
    mine = book(siti, poli_anak, member=aisyah)
    old_id = patients.of_member(aisyah)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-the-rotation-" + "x" * 30
    new_id = patients.of_member(aisyah)
    assert new_id != old_id
    client = fhir_client(siti)

    # The old id still finds her and her appointment; the answers carry her new id.
    assert get(client, f"/fhir/r4/Patient/{old_id}")["id"] == new_id
    found = get(client, f"/fhir/r4/Appointment?patient=Patient/{old_id}")
    assert ids(found) == [str(mine.pk)]
    resources = json.dumps([entry["resource"] for entry in found["entry"]])
    assert new_id in resources and old_id not in resources

    # Once the old key is dropped, the old id is nobody's.
    settings.SECRET_KEY_FALLBACKS = []
    assert patients.decode(old_id) is None
    assert outcome(get(client, f"/fhir/r4/Patient/{old_id}", status=404))["code"] == "not-found"


def test_the_inspektorat_reads_every_appointment_and_the_command_center_none(siti, aisyah, irma, bayu, poli_anak):
    mine = book(siti, poli_anak, member=aisyah)
    url = f"/fhir/r4/Appointment/{mine.pk}"

    irma_client = fhir_client(irma)
    assert get(irma_client, url)["id"] == str(mine.pk)
    assert ids(get(irma_client, "/fhir/r4/Appointment")) == [str(mine.pk)]

    # Health data: the Command Center watches boards and statistics, never a patient's booking.
    bayu_client = fhir_client(bayu)
    assert outcome(get(bayu_client, url, status=404))["code"] == "not-found"
    assert get(bayu_client, "/fhir/r4/Appointment")["total"] == 0


def test_our_lifecycle_maps_to_fhir_appointment_statuses_and_searches_by_them(siti, aisyah, poli_anak):
    appointment = book(siti, poli_anak, member=aisyah)
    client = fhir_client(siti)
    expected = {
        Status.BOOKED: "booked",
        Status.CHECKED_IN: "arrived",
        Status.CALLED: "arrived",
        Status.SKIPPED: "arrived",
        Status.SERVED: "fulfilled",
        Status.DONE: "fulfilled",
        Status.CANCELLED: "cancelled",
        Status.RESCHEDULED: "cancelled",
        Status.NO_SHOW: "noshow",
    }
    for ours, theirs in expected.items():
        Appointment.objects.filter(pk=appointment.pk).update(status=ours)
        assert get(client, f"/fhir/r4/Appointment/{appointment.pk}")["status"] == theirs
        assert get(client, f"/fhir/r4/Appointment?status={theirs}")["total"] == 1
        others = ",".join(code for code in ("booked", "arrived", "fulfilled", "cancelled", "noshow") if code != theirs)
        assert get(client, f"/fhir/r4/Appointment?status={others}")["total"] == 0
    assert get(client, "/fhir/r4/Appointment?status=proposed")["total"] == 0


def test_cancellations_read_as_cancelled_with_the_reason_the_patient_is_told(siti, aisyah, sri, poli_anak):
    mine = book(siti, poli_anak)
    actions.do_cancel(siti, mine, reason="Sudah sembuh", now=at(MONDAY, 6))
    read = get(fhir_client(siti), f"/fhir/r4/Appointment/{mine.pk}")
    assert read["status"] == "cancelled" and read["cancelationReason"]["text"] == "Dibatalkan: Sudah sembuh"
    child = book(siti, poli_anak, member=aisyah)
    actions.do_cancel_session(sri, poli_anak, reason="Dokter sakit", now=at(MONDAY, 7))
    read = get(fhir_client(sri), f"/fhir/r4/Appointment/{child.pk}")
    assert read["status"] == "cancelled"
    assert read["cancelationReason"]["text"] == "Sesi praktik dibatalkan: Dokter sakit"


def test_searches_do_not_grow_queries_with_the_page(siti, aisyah, andi, sri, poli_anak, django_assert_max_num_queries):
    book(siti, poli_anak)
    client = fhir_client(sri)
    with django_assert_max_num_queries(12) as one:
        assert get(client, "/fhir/r4/Appointment")["total"] == 1
    book(siti, poli_anak, member=aisyah)
    book(andi, poli_anak)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert get(client, "/fhir/r4/Appointment")["total"] == 3
    with django_assert_max_num_queries(12) as one:
        get(client, "/fhir/r4/Schedule?_count=1")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(get(client, "/fhir/r4/Schedule?_count=100")["entry"]) > 10
    with django_assert_max_num_queries(12) as one:
        get(client, "/fhir/r4/Slot?_count=1")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(get(client, "/fhir/r4/Slot?_count=100")["entry"]) == 100
