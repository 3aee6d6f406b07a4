"""generate_applications: bulk permit applications that look like a DPMPTSP's real history."""

import io
import random
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.nik import check_nik_for_city
from audit.models import AuditEvent
from certificates.actions import verify
from certificates.models import Certificate
from deadlines.models import Deadline
from deadlines.scanner import scan
from notifications.models import Notification
from permits.actions import check_complete, clean_form_data
from permits.generator import WorkingAxis, generate_applications
from permits.models import (
    ENDED_STATUSES,
    QUEUE_STATUSES,
    STEP_STATUSES,
    ApplicantKind,
    Application,
    Company,
    Payment,
    PermitType,
    RegistrationCounter,
    Status,
    StepRecord,
    SurveyResponse,
    parse_registration_number,
)
from permits.queries import work_queue

COUNT = 2000
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def generated(city, fajar, rahmat):
    generate_applications(city, COUNT, seed=7, years=1, now=NOW)
    return list(Application.objects.select_related("permit_type", "company", "applicant", "certificate").order_by("id"))


def records_of(application):
    return list(StepRecord.objects.filter(application=application).order_by("id"))


def test_n_applications_of_the_city_for_its_online_types_business_permits_most(city, generated):
    assert len(generated) == Application.objects.filter(city=city).count() == COUNT
    assert all(a.permit_type.online and a.permit_type.city_id == city.pk for a in generated)
    most_common = [code for code, _ in Counter(a.permit_type.code for a in generated).most_common(2)]
    assert most_common == ["siup", "iumk"]
    assert len({a.permit_type_id for a in generated}) == PermitType.objects.filter(city=city, online=True).count()


def test_registration_numbers_are_consecutive_per_year_in_submission_order_and_match_the_counter(city, generated):
    submitted = [a for a in generated if a.status != Status.DRAFT]
    by_year = {}
    for application in sorted(submitted, key=lambda a: (a.submitted_at, a.pk)):
        number = parse_registration_number(application.registration_number)
        assert number == application.registration_number
        year, serial = int(number[4:8]), int(number[9:])
        assert year == application.submitted_at.astimezone(city.zone).year
        by_year.setdefault(year, []).append(serial)
    for year, serials in by_year.items():
        assert serials == list(range(1, len(serials) + 1))
        assert RegistrationCounter.objects.get(city=city, year=year).last == len(serials)
    drafts = [a for a in generated if a.status == Status.DRAFT]
    assert drafts and all(a.registration_number is None and a.workflow == [] and a.opd_id is None for a in drafts)


def test_old_applications_are_mostly_issued_and_recent_ones_at_every_step(generated):
    old = [a for a in generated if a.submitted_at and a.submitted_at < NOW - timedelta(days=60)]
    statuses = Counter(a.status for a in old)
    assert statuses[Status.ISSUED] / len(old) > 0.75
    assert statuses[Status.REJECTED] and statuses[Status.WITHDRAWN]
    recent = [a for a in generated if a.submitted_at and a.submitted_at > NOW - timedelta(days=3)]
    assert len(recent) >= 10
    assert sum(a.status in STEP_STATUSES for a in recent) / len(recent) > 0.5
    everywhere = Counter(a.status for a in generated)
    for status in (Status.SUBMITTED, Status.IN_REVIEW, Status.WAITING_APPLICANT, Status.APPROVED, Status.ISSUED):
        assert everywhere[status], status
    live_steps = {(a.permit_type.code, a.step_code) for a in generated if a.status in STEP_STATUSES}
    assert len(live_steps) > 10  # the types' different steps, not only their first
    assert any(a.holder_id is None for a in generated if a.status in QUEUE_STATUSES)
    assert any(a.holder_id is not None for a in generated if a.status in QUEUE_STATUSES)


def test_timestamps_follow_each_other_and_fields_fit_the_status(city, generated):
    for a in generated:
        assert a.created_at <= a.updated_at <= NOW
        if a.status == Status.DRAFT:
            assert a.submitted_at is None and a.step_role == a.step_code == ""
            continue
        assert a.created_at <= a.submitted_at <= a.updated_at
        assert a.workflow and a.workflow[0]["opd_id"] == a.permit_type.issuing_opd_id
        assert a.fee_amount == a.permit_type.compute_fee(a.form_data)
        if a.status in STEP_STATUSES:
            step = a.workflow[a.step_index]
            assert (a.opd_id, a.step_role, a.step_code) == (step["opd_id"], step["role"], step["code"])
            assert a.submitted_at <= a.step_started_at <= a.updated_at
            assert a.decided_at is None and a.issued_at is None and a.certificate_id is None
            assert (a.due_at is None) == (a.status == Status.WAITING_APPLICANT)
            assert (
                (a.waiting_since is not None)
                == bool(a.requested_documents)
                == bool(a.request_reason)
                == (a.status == Status.WAITING_APPLICANT)
            )
            if a.status == Status.SUBMITTED:
                assert a.step_index == 0 and a.holder_id is None
        else:
            assert a.opd_id == a.permit_type.issuing_opd_id and a.holder_id is None and a.due_at is None
            assert a.step_role == a.step_code == "" and a.waiting_since is None and a.requested_documents == []
            assert a.request_reason == ""
        if a.status in (Status.APPROVED, Status.ISSUED, Status.REVOKED, Status.REJECTED):
            assert a.submitted_at <= a.decided_at <= a.updated_at and a.processing_seconds is not None
        if a.status in (Status.APPROVED, Status.ISSUED, Status.REVOKED):
            assert a.approved_by.opd_id == a.permit_type.issuing_opd_id and a.approved_by.role == "head"
        if a.status in (Status.WITHDRAWN, Status.REVOKED):
            assert a.ended_at is not None
        if a.status in (Status.REJECTED, Status.REVOKED):
            assert a.decision_reason


def test_answers_are_complete_for_the_form_and_requested_documents_are_the_types_requirements(generated):
    for a in generated:
        if a.status == Status.DRAFT:
            clean_form_data(a.permit_type, a.form_data, complete=False)
            continue
        assert clean_form_data(a.permit_type, a.form_data, complete=True) == a.form_data
        codes = {doc["code"] for doc in a.permit_type.documents_for(a.applicant_kind())}
        assert set(a.requested_documents) <= codes
        for code in a.requested_documents:  # the reason names what is asked for
            assert a.permit_type.requirement(code)["name"] in a.request_reason


def test_each_stay_at_a_step_is_recorded_in_order_with_its_outcome(city, generated):
    records = {}
    for record in StepRecord.objects.order_by("id"):
        records.setdefault(record.application_id, []).append(record)
    calendar = city.calendar()
    outcomes = Counter()
    for a in generated:
        stays = records.get(a.pk, [])
        if a.status == Status.DRAFT:
            assert stays == []
            continue
        assert stays[0].index == 0 and stays[0].started_at == a.submitted_at
        for before, after in zip(stays, stays[1:], strict=False):
            assert before.finished_at == after.started_at
            step = {"forwarded": 1, "returned": -1}[before.outcome]
            assert after.index == before.index + step
        for stay in stays:
            step = a.workflow[stay.index]
            assert (stay.code, stay.role, stay.opd_id) == (step["code"], step["role"], step["opd_id"])
            outcomes[stay.outcome] += 1
            if stay.outcome in ("forwarded", "returned", "rejected", "approved"):
                # Officers act in working hours (closing time included), and whoever ended a step held it.
                window = calendar.window(stay.finished_at.astimezone(city.zone).date())
                assert window and window[0] <= stay.finished_at <= window[1]
                assert stay.holder.opd_id == step["opd_id"] and stay.holder.role == step["role"]
            if stay.outcome == "forwarded" and step.get("findings"):
                assert stay.findings
        last = stays[-1]
        if a.status in STEP_STATUSES:
            assert last.finished_at is None and last.index == a.step_index and last.holder_id == a.holder_id
        else:
            assert last.finished_at is not None
        assert [s.finished_at for s in stays[:-1]] == sorted(s.finished_at for s in stays[:-1])
    assert {"forwarded", "returned", "rejected", "approved", "withdrawn"} <= set(outcomes)


def test_applications_at_a_step_have_the_live_clock_the_workflow_would_have(city, generated):
    calendar = city.calendar()
    late = 0
    for a in generated:
        live = list(Deadline.objects.for_case(a).live())
        if a.status not in STEP_STATUSES:
            assert live == []
            continue
        (clock,) = live
        step = a.workflow[a.step_index]
        assert clock.kind == f"permit.step.{step['code']}" and clock.opd_id == a.opd_id
        assert clock.holder_id == a.holder_id and clock.started_at == a.step_started_at
        assert clock.started_at < clock.near_at and clock.started_at < clock.due_at
        if "deadline_hours" in step:
            assert clock.allowed_seconds == step["deadline_hours"] * 3600
        else:
            started = clock.started_at
            assert clock.allowed_seconds == calendar.working_seconds_between(
                started, calendar.add_working_days(started, step["deadline_days"])
            )
        if a.status == Status.WAITING_APPLICANT:
            assert clock.state == "paused" and clock.paused_at == a.waiting_since
            assert clock.remaining_seconds == calendar.working_seconds_between(clock.paused_at, clock.due_at)
        else:
            assert clock.state == "running" and clock.due_at == a.due_at
            # Past-due clocks count as escalated, so the scanner does not escalate generated history.
            assert (clock.breached_at is not None) == (clock.due_at <= NOW) == (clock.escalated_at is not None)
            late += clock.due_at <= NOW
    assert late  # some steps are past their deadline now


def test_a_clock_that_never_paused_is_due_when_the_calendar_says(city, generated):
    calendar = city.calendar()
    checked = 0
    for a in generated:
        if a.status not in QUEUE_STATUSES or a.applicant_wait_seconds:
            continue
        step = a.workflow[a.step_index]
        if a.step_index == 0 or StepRecord.objects.filter(application=a, index=a.step_index).count() == 1:
            start = a.step_started_at
            if "deadline_hours" in step:
                expected = calendar.add_working_seconds(start, step["deadline_hours"] * 3600)
            else:
                expected = calendar.add_working_days(start, step["deadline_days"])
            assert a.due_at == expected
            checked += 1
    assert checked > 5


def test_the_deadline_scanner_escalates_none_of_the_generated_history(city, generated):
    result = scan(now=NOW)
    assert result.breaches_escalated == 0
    assert not Notification.objects.filter(template="deadline_breached").exists()


def test_issued_permits_carry_a_signed_certificate_that_verifies(city, generated):
    issued = [a for a in generated if a.status in (Status.ISSUED, Status.REVOKED)]
    assert issued and Certificate.objects.count() == len(issued)
    statuses = Counter()
    for a in issued:
        certificate = a.certificate
        assert certificate.case == a and certificate.signed_at == a.issued_at
        assert certificate.number.endswith(a.registration_number[4:].replace("-", "/"))
        assert certificate.fields[0] == ["Nomor registrasi permohonan", a.registration_number]
        assert certificate.holder_name == (a.company.name if a.company_id else a.applicant.full_name)
        assert certificate.signer_id == a.approved_by_id
        today = NOW.astimezone(city.zone).date()
        result = verify(certificate.number, certificate.verification_code, today=today)
        statuses[result.status] += 1
        if a.status == Status.REVOKED:
            assert result.status == "revoked" and certificate.revoked_reason == a.decision_reason
        elif certificate.valid_until is not None and certificate.valid_until < today:
            assert result.status == "expired"
        else:
            assert result.status == "valid"
    assert statuses["valid"] and statuses["expired"]  # one-month crowd permits expire


def test_retribusi_is_paid_before_issuance_and_waits_after_approval(generated):
    payments = {}
    for payment in Payment.objects.order_by("id"):
        payments.setdefault(payment.application_id, []).append(payment)
    for a in generated:
        mine = payments.get(a.pk, [])
        if a.fee_amount == 0:
            assert mine == []
            continue
        paid = [p for p in mine if p.status == Payment.Status.PAID]
        if a.status in (Status.ISSUED, Status.REVOKED):
            assert len(paid) == 1 and paid[0].paid_at == a.issued_at and paid[0].amount == a.fee_amount
            assert a.decided_at <= paid[0].created_at <= paid[0].paid_at
        else:
            assert paid == []
        if a.status != Status.APPROVED and a.status not in (Status.ISSUED, Status.REVOKED):
            assert mine == []
        assert sum(p.status == Payment.Status.PENDING for p in mine) <= 1
    assert Payment.objects.filter(status=Payment.Status.FAILED).exists()


def test_part_of_the_issued_permits_have_their_applicants_skm_answers(generated):
    issued = {a.pk: a for a in generated if a.issued_at}
    surveys = list(SurveyResponse.objects.all())
    assert 0.2 < len(surveys) / len(issued) < 0.6
    for survey in surveys:
        assert survey.application_id in issued and survey.created_at > issued[survey.application_id].issued_at
        assert all(1 <= answer <= 4 for answer in survey.answers())


def test_applicants_are_citizens_of_the_city_and_apply_for_their_own_companies(city, generated):
    for a in generated:
        assert a.applicant.is_citizen and not a.applicant.has_usable_password()
        kind = a.permit_type.applicant_kind
        if a.company_id:
            assert a.company.owner_id == a.applicant_id and kind != ApplicantKind.PERSON
        else:
            assert kind != ApplicantKind.COMPANY
    for citizen in User.objects.filter(kind=User.Kind.CITIZEN):
        check_nik_for_city(citizen.login_id, city)
    assert Company.objects.exists() and any(a.company_id for a in generated)


def test_steps_are_held_by_the_officers_of_the_step(generated, fajar, rahmat):
    front_office = [a for a in generated if a.status in QUEUE_STATUSES and a.step_index == 0 and a.holder_id]
    assert front_office and all(a.holder_id == fajar.pk for a in front_office)
    assert all(a.approved_by_id == rahmat.pk for a in generated if a.approved_by_id)


def test_the_front_office_queue_lists_generated_applications_by_deadline(generated, fajar):
    queue = list(work_queue(fajar))
    assert queue and all(a.opd_id == fajar.opd_id and a.step_role == "officer" for a in queue)
    assert [a.due_at for a in queue] == sorted(a.due_at for a in queue)


def test_a_resubmission_of_generated_data_needs_only_the_documents_files(generated):
    waiting = next(a for a in generated if a.status == Status.WAITING_APPLICANT)
    # Bulk data has no uploaded files: the answers are complete, only the documents are missing.
    with pytest.raises(ValidationError) as error:
        check_complete(waiting)
    messages = error.value.message_dict
    assert set(messages) <= {doc["code"] for doc in waiting.permit_type.required_documents}


def test_no_audit_events_and_no_notifications_are_written(city):
    generate_applications(city, 200, seed=1, now=NOW)
    assert not AuditEvent.objects.exists()
    assert not Notification.objects.exists()


def test_running_again_adds_n_more_continuing_the_numbers_and_reusing_citizens(city):
    first = generate_applications(city, 300, seed=5, now=NOW)
    citizens, companies = User.objects.filter(kind=User.Kind.CITIZEN).count(), Company.objects.count()
    second = generate_applications(city, 300, seed=5, now=NOW)
    assert Application.objects.count() == 600
    assert (first.citizens_created, second.citizens_created, second.citizens_reused) == (100, 0, 100)
    assert second.companies_created == 0 and Company.objects.count() == companies
    assert User.objects.filter(kind=User.Kind.CITIZEN).count() == citizens
    numbers = list(Application.objects.exclude(registration_number=None).values_list("registration_number", flat=True))
    assert len(numbers) == len(set(numbers))
    for counter in RegistrationCounter.objects.filter(city=city):
        serials = sorted(int(n[9:]) for n in numbers if n[4:8] == str(counter.year))
        assert serials == list(range(1, counter.last + 1))


def test_a_span_of_days_is_as_busy_every_week_as_now(city):
    generate_applications(city, 700, seed=9, days=14, now=NOW)
    submitted = list(Application.objects.values_list("created_at", "submitted_at"))
    assert all(NOW - timedelta(days=15) < (moment or created) <= NOW for created, moment in submitted)
    first_week = sum(moment is not None and moment < NOW - timedelta(days=7) for _, moment in submitted)
    assert 0.35 < first_week / len(submitted) < 0.65  # no growth within a short span


def test_the_same_seed_tells_the_same_story(city):
    generate_applications(city, 300, seed=5, now=NOW)
    generate_applications(city, 300, seed=5, now=NOW)
    rows = list(
        Application.objects.order_by("id").values_list("permit_type_id", "status", "submitted_at", "step_index")
    )
    assert rows[:300] == rows[300:]


def test_without_officers_the_demo_officers_hold_the_steps_and_sign(city):
    result = generate_applications(city, 300, seed=3, now=NOW)
    assert result.officers_created > 0
    signer = Application.objects.exclude(approved_by=None).first().approved_by
    assert signer.full_name == "Kepala DPMPTSP" and not signer.has_usable_password()


def test_the_working_axis_answers_as_the_calendar_does(city):
    calendar = city.calendar()
    today = NOW.astimezone(city.zone).date()
    axis = WorkingAxis(calendar, today - timedelta(days=400), today + timedelta(days=60))
    rng = random.Random(3)
    start = int((NOW - timedelta(days=380)).timestamp())
    for _ in range(2000):
        moment = start + rng.randrange(400 * 86400)
        at = datetime.fromtimestamp(moment, city.zone)
        seconds = rng.choice([0, 1, 3600, 8 * 3600, rng.randrange(40 * 3600)])
        days = rng.randrange(1, 6)
        later = moment + rng.randrange(20 * 86400)
        assert axis.next_working(moment) == calendar.next_working_moment(at).timestamp()
        assert axis.add_seconds(moment, seconds) == calendar.add_working_seconds(at, seconds).timestamp()
        assert axis.add_days(moment, days) == calendar.add_working_days(at, days).timestamp()
        assert axis.between(moment, later) == calendar.working_seconds_between(
            at, datetime.fromtimestamp(later, city.zone)
        )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_second_connection_writes_while_the_next_batch_is_built(city):
    assert not connection.in_atomic_block  # the generator pipelines only outside the caller's transaction
    result = generate_applications(city, 1200, seed=2, batch_size=300, now=NOW)
    assert result.applications == Application.objects.count() == 1200
    assert result.clocks == Deadline.objects.live().count()
    assert result.step_records == StepRecord.objects.count()
    assert result.certificates == Certificate.objects.count()
    assert result.surveys == SurveyResponse.objects.count()


def test_the_command_reports_what_it_made_and_says_there_is_no_audit_trail(city):
    out = io.StringIO()
    call_command("generate_applications", "120", "--seed", "4", "--force", stdout=out)
    assert Application.objects.count() == 120
    assert "120 permohonan" in out.getvalue() and "Tanpa peristiwa audit" in out.getvalue()


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["0", "--force"], "paling sedikit 1"),
        (["10", "--years", "0", "--force"], "--years"),
        (["10", "--days", "0", "--force"], "--days"),
        (["10"], "DEBUG mati"),
    ],
)
def test_the_command_refuses_bad_arguments_and_production(city, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_applications", *arguments, stdout=io.StringIO())
    assert not Application.objects.exists()


def test_the_command_needs_the_city_profile(db, settings):
    settings.CITY = "binjai"
    with pytest.raises(CommandError, match="load_city binjai"):
        call_command("generate_applications", "10", "--force", stdout=io.StringIO())


def test_ended_statuses_are_final_states(generated):
    assert {a.status for a in generated if a.ended_at} <= ENDED_STATUSES
