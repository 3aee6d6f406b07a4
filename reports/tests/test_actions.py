"""The life of a report, told through reports.actions (the rules every page, the API and Open311 share)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from cities.models import Kelurahan, forget_current_city
from conftest import load_city_profile
from core.testing import run_concurrently
from deadlines.models import Deadline
from notifications.models import Notification
from reports import actions
from reports.actions import IllegalMove
from reports.models import Photo, Report, Status, Support, parse_number
from reports.tests.conftest import MEDAN_POINT, photo, submit

pytestmark = pytest.mark.usefixtures("media")


def clocks(report, **filters):
    return Deadline.objects.for_case(report).filter(**filters)


def messages_to(user):
    return Notification.objects.filter(user=user)


@pytest.fixture
def in_progress(siti, bayu, budi, tangsi):
    report = submit(siti, tangsi)
    actions.do_verify(bayu, report)
    actions.do_disposition(bayu, report)
    actions.do_start_work(budi, report, "Penambalan dijadwalkan Kamis.")
    return report


@pytest.fixture
def resolved(in_progress, budi):
    return actions.do_resolve(budi, in_progress, "Lubang sudah ditambal.", [photo("bukti.jpg")])


# --- submitting -----------------------------------------------------------------------------


def test_siti_gets_a_tracking_number_at_once_and_a_confirmation(siti, tangsi):
    report = submit(siti, tangsi)

    assert parse_number(report.number) == (report.created_at.year, report.pk)
    assert report.status == Status.RECEIVED and report.owner == siti
    assert report.kecamatan.name == "Binjai Kota" and report.opd.code == "dinas-pupr"
    assert report.photos.get().kind == Photo.Kind.REPORT
    confirmations = messages_to(siti).filter(template="report_received")
    assert sorted(confirmations.values_list("channel", flat=True)) == ["email", "sms"]
    assert report.number in confirmations.get(channel="sms").body
    event = AuditEvent.objects.get(object_type="reports.report", object_id=str(report.pk))
    assert event.action == "report.received" and event.public


def test_the_command_center_has_three_working_days_to_verify(siti, tangsi):
    report = submit(siti, tangsi)
    verify = clocks(report).get(kind=actions.CLOCK_VERIFY)
    assert verify.opd.code == "diskominfo"
    calendar = report.city.calendar()
    assert verify.due_at == calendar.add_working_days(verify.started_at, 3)


def test_a_report_can_be_located_by_address_alone(siti, tangsi):
    report = submit(siti, tangsi, lat=None, lon=None, address="Jl. Tangsi No. 10")
    assert report.lat is None and report.address == "Jl. Tangsi No. 10"


def test_the_category_can_send_a_kecamatan_to_its_camat(siti, tangsi):
    report = submit(siti, tangsi, category_code="kebersihan-lingkungan")
    assert report.opd.code == "camat-binjai-kota"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"lat": MEDAN_POINT[0], "lon": MEDAN_POINT[1]}, "location", "di luar wilayah Kota Binjai"),
        ({"description": "x" * 4001}, "description", "paling panjang 4000 karakter"),
        ({"description": "   "}, "description", "wajib diisi"),
        ({"category_code": "ufo"}, "category", "Pilih kategori"),
        ({"lat": None, "lon": None, "address": ""}, "location", "Tandai lokasi"),
        ({"lon": None}, "location", "lintang dan bujur"),
        ({"photos": [photo(f"{n}.jpg") for n in range(6)]}, "photos", "Paling banyak 5 foto"),
    ],
)
def test_bad_reports_are_refused_with_a_clear_message_and_nothing_written(siti, tangsi, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        submit(siti, tangsi, **overrides)
    assert message in " ".join(caught.value.message_dict[field])
    assert not Report.objects.exists() and not Notification.objects.exists() and not AuditEvent.objects.exists()


def test_a_kelurahan_of_another_city_is_refused(siti):
    load_city_profile("palu")  # loaded beside Binjai; the deployment still serves Binjai
    forget_current_city()
    lere = Kelurahan.objects.get(name="Lere")
    with pytest.raises(ValidationError) as caught:
        submit(siti, lere)
    assert "kelurahan" in caught.value.message_dict


def test_a_text_file_named_like_a_photo_is_refused(siti, tangsi):
    fake = photo()
    fake.file.seek(0)
    fake.file.truncate()
    fake.file.write(b"bukan foto sama sekali")
    fake.file.seek(0)
    fake.size = 22
    with pytest.raises(ValidationError) as caught:
        submit(siti, tangsi, photos=[fake])
    assert "bukan foto JPEG, PNG atau WebP" in " ".join(caught.value.message_dict["photos"])


# --- the pipeline ----------------------------------------------------------------------------


def test_verification_and_disposition_start_the_opd_clocks(siti, bayu, tangsi):
    report = submit(siti, tangsi)
    actions.do_verify(bayu, report)
    assert clocks(report).get(kind=actions.CLOCK_VERIFY).state == Deadline.State.MET

    actions.do_disposition(bayu, report)

    assert report.status == Status.DISPOSITIONED
    plan, resolve = clocks(report, kind=actions.CLOCK_PLAN).get(), clocks(report, kind=actions.CLOCK_RESOLVE).get()
    calendar = report.city.calendar()
    assert plan.opd.code == resolve.opd.code == "dinas-pupr"
    assert plan.due_at == calendar.add_working_days(plan.started_at, 5)
    assert resolve.due_at == calendar.add_working_days(resolve.started_at, report.category.resolution_days)


def test_the_opd_plans_resolves_with_proof_and_the_reporter_hears_of_every_move(resolved, siti):
    assert resolved.status == Status.RESOLVED
    assert resolved.photos.filter(kind=Photo.Kind.PROOF).count() == 1
    assert not clocks(resolved).live().exists()
    statuses = messages_to(siti).filter(template="report_status", channel="sms")
    assert statuses.count() == 4  # verified, dispositioned, in progress, resolved
    public = AuditEvent.objects.filter(object_id=str(resolved.pk), public=True).values_list("action", flat=True)
    assert list(public) == [
        "report.received",
        "report.verified",
        "report.dispositioned",
        "report.in_progress",
        "report.resolved",
    ]


def test_resolving_needs_a_response_and_a_proof_photo(in_progress, budi):
    with pytest.raises(ValidationError) as caught:
        actions.do_resolve(budi, in_progress, "", [])
    assert set(caught.value.message_dict) == {"response", "proof_photos"}
    in_progress.refresh_from_db()
    assert in_progress.status == Status.IN_PROGRESS


@pytest.mark.parametrize(
    "move",
    [
        lambda r, bayu, budi: actions.do_resolve(budi, r, "Selesai", [photo()]),
        lambda r, bayu, budi: actions.do_start_work(budi, r, "Rencana"),
        lambda r, bayu, budi: actions.do_disposition(bayu, r),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(siti, bayu, budi, tangsi, move):
    report = submit(siti, tangsi)
    events = AuditEvent.objects.count()
    with pytest.raises((IllegalMove, PermissionDenied)):
        move(report, bayu, budi)
    report.refresh_from_db()
    assert report.status == Status.RECEIVED and AuditEvent.objects.count() == events


def test_verifying_twice_is_an_illegal_move(siti, bayu, tangsi):
    report = submit(siti, tangsi)
    actions.do_verify(bayu, report)
    with pytest.raises(IllegalMove, match="tidak dapat diubah menjadi 'Terverifikasi'"):
        actions.do_verify(bayu, report)


def test_only_coordinators_verify_and_only_the_handling_opd_follows_up(siti, bayu, budi, dewi, hendra, irma, tangsi):
    report = submit(siti, tangsi)
    for outsider in (budi, dewi, irma, siti):
        with pytest.raises(PermissionDenied):
            actions.do_verify(outsider, report)
    actions.do_verify(bayu, report)
    actions.do_disposition(bayu, report)
    for outsider in (bayu, irma, siti):
        with pytest.raises(PermissionDenied):
            actions.do_start_work(outsider, report, "Rencana")
    with pytest.raises(Exception) as caught:  # Dewi may not even see a PUPR report
        actions.do_start_work(dewi, report, "Rencana")
    assert caught.type.__name__ in {"Http404", "PermissionDenied"}
    actions.do_start_work(hendra, report, "Kepala dinas menugaskan tim.")
    assert report.status == Status.IN_PROGRESS


def test_the_opd_can_hand_a_wrong_disposition_back(siti, bayu, budi, tangsi):
    report = submit(siti, tangsi)
    actions.do_verify(bayu, report)
    actions.do_disposition(bayu, report)
    actions.do_return_to_coordinator(budi, report, "Ini saluran irigasi provinsi.")
    assert report.status == Status.VERIFIED and not clocks(report).live().exists()
    dlh = report.city.opds.get(code="dlh")
    actions.do_disposition(bayu, report, opd=dlh)
    assert report.opd == dlh


def test_rejecting_and_not_our_authority_need_a_reason(siti, bayu, tangsi):
    report = submit(siti, tangsi)
    with pytest.raises(ValidationError):
        actions.do_reject(bayu, report, "")
    actions.do_mark_not_authority(bayu, report, "Jalan nasional: kewenangan BPJN Sumatera Utara.")
    assert report.status == Status.NOT_AUTHORITY and not clocks(report).live().exists()


# --- after resolution --------------------------------------------------------------------------


def test_siti_may_reopen_within_seven_days_and_the_opd_clock_starts_again(resolved, siti):
    actions.do_reopen(siti, resolved, "Tambalan sudah berlubang lagi.")
    assert resolved.status == Status.REOPENED
    assert clocks(resolved, kind=actions.CLOCK_RESOLVE).live().count() == 1


def test_reopening_after_seven_days_is_refused(resolved, siti):
    Report.objects.filter(pk=resolved.pk).update(resolved_at=timezone.now() - timedelta(days=8))
    resolved.refresh_from_db()
    with pytest.raises(IllegalMove, match="7 hari"):
        actions.do_reopen(siti, resolved, "Masih rusak.")


def test_only_the_reporter_reopens_or_rates(resolved, andi, budi):
    for stranger in (andi, budi):
        with pytest.raises(PermissionDenied):
            actions.do_reopen(stranger, resolved, "Tidak puas")
        with pytest.raises(PermissionDenied):
            actions.do_rate(stranger, resolved, 1)


def test_rating_closes_the_report_once(resolved, siti):
    with pytest.raises(ValidationError):
        actions.do_rate(siti, resolved, 6)
    actions.do_rate(siti, resolved, 5, "Cepat, terima kasih.")
    assert resolved.status == Status.CLOSED and resolved.rating == 5
    with pytest.raises(IllegalMove):
        actions.do_rate(siti, resolved, 4)


def test_unrated_resolved_reports_close_themselves_after_seven_days(resolved):
    assert actions.close_resolved_reports(timezone.now() + timedelta(days=6)) == 0
    assert actions.close_resolved_reports(timezone.now() + timedelta(days=8)) == 1
    assert actions.close_resolved_reports(timezone.now() + timedelta(days=9)) == 0
    resolved.refresh_from_db()
    assert resolved.status == Status.CLOSED


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_closing_at_once_close_each_report_once(siti, bayu, budi, tangsi):
    reports = []
    for _ in range(5):
        report = submit(siti, tangsi)
        actions.do_verify(bayu, report)
        actions.do_disposition(bayu, report)
        actions.do_start_work(budi, report, "Rencana")
        reports.append(actions.do_resolve(budi, report, "Selesai", [photo()]))
    later = timezone.now() + timedelta(days=8)

    closed = run_concurrently(
        lambda: actions.close_resolved_reports(later), lambda: actions.close_resolved_reports(later)
    )

    assert sum(closed) == 5
    assert AuditEvent.objects.filter(action="report.closed").count() == 5
    assert connection.vendor == "postgresql"


# --- citizens and colleagues ----------------------------------------------------------------------


def test_andi_supports_sitis_report_once_but_not_his_own_or_an_unverified_one(siti, andi, bayu, tangsi):
    report = submit(siti, tangsi)
    with pytest.raises(IllegalMove, match="sudah diverifikasi"):
        actions.do_support(andi, report)
    actions.do_verify(bayu, report)
    actions.do_support(andi, report)
    assert report.support_count == 1
    with pytest.raises(IllegalMove, match="sudah mendukung"):
        actions.do_support(andi, report)
    with pytest.raises(IllegalMove, match="laporan Anda sendiri"):
        actions.do_support(siti, report)


def test_a_merged_duplicate_carries_its_reporter_and_supporters_to_the_original(siti, andi, bayu, budi, tangsi):
    original = submit(siti, tangsi)
    actions.do_verify(bayu, original)
    copy = submit(andi, tangsi, description="Jalan Tangsi berlubang besar.")
    actions.do_merge_duplicate(bayu, copy, original)
    assert copy.status == Status.DUPLICATE and copy.duplicate_of == original
    assert Support.objects.filter(report=original, user=andi).exists()
    original.refresh_from_db()
    assert original.support_count == 1

    actions.do_disposition(bayu, original)
    assert messages_to(andi).filter(template="report_status", channel="sms").count() == 2  # merged, dispositioned


def test_assigning_moves_the_clocks_to_a_colleague_of_the_same_opd(siti, bayu, budi, hendra, dewi, tangsi):
    report = submit(siti, tangsi)
    actions.do_verify(bayu, report)
    actions.do_disposition(bayu, report)
    with pytest.raises(ValidationError):
        actions.do_assign(hendra, report, dewi)
    actions.do_assign(hendra, report, budi)
    assert report.assigned_to == budi
    assert set(clocks(report).live().values_list("holder", flat=True)) == {budi.pk}
    assert messages_to(budi).filter(template="report_assigned").exists()


def test_internal_notes_stay_inside_and_public_replies_reach_the_reporter(in_progress, siti, budi):
    before = messages_to(siti).count()
    actions.do_add_note(budi, in_progress, "Pelapor sering melapor hal serupa.", public=False)
    assert messages_to(siti).count() == before
    actions.do_add_note(budi, in_progress, "Material aspal sedang dipesan.", public=True)
    assert messages_to(siti).filter(template="report_reply").count() == 2
    public_texts = AuditEvent.objects.filter(object_id=str(in_progress.pk), public=True).values_list(
        "public_text", flat=True
    )
    assert any("Material aspal" in text for text in public_texts)
    assert not any("sering melapor" in text for text in public_texts)


def test_a_report_filed_just_after_new_year_in_binjai_carries_the_new_year(siti, tangsi):
    report = submit(siti, tangsi)
    Report.objects.filter(pk=report.pk).update(created_at=datetime(2026, 12, 31, 17, 30, tzinfo=UTC))  # 00:30 WIB
    report = Report.objects.get(pk=report.pk)
    assert report.number == f"LP-2027-{report.pk:07d}"


def test_the_command_center_re_routes_before_work_starts_and_the_clocks_follow(siti, bayu, budi, tangsi):
    report = submit(siti, tangsi)
    actions.do_verify(bayu, report)
    actions.do_disposition(bayu, report)
    dlh = report.city.opds.get(code="dlh")

    actions.do_disposition(bayu, report, opd=dlh)

    assert report.opd == dlh and report.status == Status.DISPOSITIONED
    assert set(clocks(report).live().values_list("opd__code", flat=True)) == {"dlh"}
    assert clocks(report, state=Deadline.State.CANCELLED, opd__code="dinas-pupr").count() == 2
    actions.do_disposition(bayu, report)  # and back to the category's own OPD
    report.refresh_from_db()
    assert report.opd.code == "dinas-pupr"
    actions.do_start_work(budi, report, "Dikerjakan PUPR.")
    with pytest.raises(IllegalMove):
        actions.do_disposition(bayu, report, opd=dlh)
