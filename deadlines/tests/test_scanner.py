"""The worker's deadline scanner flags near and breached clocks and escalates each breach exactly once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from audit.events import history
from audit.models import AuditEvent
from cities.models import Kelurahan
from conftest import make_officer, opd
from core.testing import run_concurrently
from deadlines import clock
from deadlines.models import Deadline
from deadlines.scanner import scan
from deadlines.tasks import scan_deadlines
from deadlines.tests.conftest import wib
from notifications.models import Notification

KIND = "report.verify"
MONDAY_8 = wib(2026, 12, 7, 8, 0)


def start(case, opd, at=MONDAY_8, *, hours=8, holder=None):
    """An 8-working-hour clock from Monday 08:00: near at 14:00, due at 16:00."""
    with transaction.atomic():
        return clock.start(
            case,
            KIND,
            title=f"Laporan {case.name}: verifikasi",
            opd=opd,
            working_hours=hours,
            holder=holder,
            url=f"/laporan/{case.pk}/",
            now=at,
        )


def breach_messages():
    return Notification.objects.filter(template="deadline_breached")


@pytest.fixture
def dlh_head(city):
    return make_officer(
        "197001012000011005",
        "Rudi Hartono",
        opd(city, "dlh"),
        Role.HEAD,
        phone="+6281300000005",
        email="rudi@dlh.example.org",
    )


@pytest.mark.django_db
class TestNearDeadline:
    def test_a_clock_is_flagged_near_once_and_its_holder_told_once(self, case, pupr, budi):
        deadline = start(case, pupr, holder=budi)
        assert scan(wib(2026, 12, 7, 13, 59)).near_flagged == 0

        result = scan(wib(2026, 12, 7, 14, 0))
        assert (result.near_flagged, result.notifications_queued) == (1, 2)
        deadline.refresh_from_db()
        assert deadline.near_flagged_at == wib(2026, 12, 7, 14, 0) and deadline.is_near
        assert list(Deadline.objects.near()) == [deadline]
        told = Notification.objects.filter(template="deadline_near")
        assert sorted(told.values_list("channel", "recipient")) == [
            ("email", "budi@pupr.example.org"),
            ("sms", "+6281300000001"),
        ]

        assert scan(wib(2026, 12, 7, 14, 30)).near_flagged == 0
        assert told.count() == 2

    def test_a_clock_found_already_past_due_is_flagged_near_without_a_stale_reminder(self, case, pupr, budi):
        start(case, pupr, holder=budi)
        result = scan(wib(2026, 12, 8, 9, 0))
        assert (result.near_flagged, result.breaches_escalated) == (1, 1)
        assert not Notification.objects.filter(template="deadline_near").exists()


@pytest.mark.django_db
class TestBreach:
    def test_a_breach_is_escalated_once_by_sms_and_email_to_the_inspektorat_and_the_opd_head(
        self, case, pupr, budi, hendra, irma, dewi, dlh_head
    ):
        deadline = start(case, pupr, holder=budi)
        assert scan(wib(2026, 12, 7, 15, 59)).breaches_escalated == 0

        result = scan(wib(2026, 12, 7, 16, 0))
        assert (result.breaches_escalated, result.notifications_queued) == (1, 4)
        deadline.refresh_from_db()
        assert deadline.breached_at == deadline.escalated_at == wib(2026, 12, 7, 16, 0)
        assert list(Deadline.objects.breached()) == [deadline]
        # Irma (Inspektorat) and Hendra (head of PUPR), once per channel; not the holder Budi,
        # not Dewi of DLH and not Rudi, the head of another OPD.
        assert sorted(breach_messages().values_list("user__full_name", "channel")) == [
            ("Hendra Siregar", "email"),
            ("Hendra Siregar", "sms"),
            ("Irma Nasution", "email"),
            ("Irma Nasution", "sms"),
        ]
        [event] = history(case).filter(action="deadline.breached")
        assert event.actor is None and event.actor_label == "Sistem"
        assert event.after["holder"] == "Budi Santoso (Dinas PUPR)"
        assert sorted(event.after["notified"]) == ["Hendra Siregar (Dinas PUPR)", "Irma Nasution (Inspektorat)"]

    def test_scanning_again_does_not_escalate_the_same_breach_again(self, case, pupr, hendra, irma):
        start(case, pupr)
        scan(wib(2026, 12, 7, 16, 0))
        again = scan(wib(2026, 12, 7, 16, 1))
        later = scan(wib(2026, 12, 9, 9, 0))
        assert again.breaches_escalated == later.breaches_escalated == 0
        assert breach_messages().count() == 4
        assert AuditEvent.objects.filter(action="deadline.breached").count() == 1

    def test_the_messages_name_the_case_opd_holder_due_time_in_wib_and_link(self, settings, case, pupr, budi, irma):
        settings.SITE_URL = "https://layanan.binjaikota.go.id"
        start(case, pupr, holder=budi)
        scan(wib(2026, 12, 7, 16, 0))
        sms = breach_messages().get(channel="sms")
        email = breach_messages().get(channel="email")
        assert sms.recipient == "+6281300000004"
        for text in (sms.body, email.body):
            assert "Laporan Tangsi: verifikasi" in text
            assert "Budi Santoso" in text
            assert "Senin, 7 Desember 2026 16:00 WIB" in text
            assert f"https://layanan.binjaikota.go.id/laporan/{case.pk}/" in text
        assert "Dinas PUPR" in sms.body
        assert "Dinas Pekerjaan Umum dan Penataan Ruang" in email.body
        assert email.subject == "Tenggat terlewati: Laporan Tangsi: verifikasi"

    def test_an_inactive_inspektorat_officer_is_not_notified(self, case, pupr, hendra, irma):
        irma.is_active = False
        irma.save(update_fields=["is_active"])
        start(case, pupr)
        scan(wib(2026, 12, 7, 16, 0))
        assert set(breach_messages().values_list("user__full_name", flat=True)) == {"Hendra Siregar"}

    def test_a_clock_paused_after_its_deadline_is_escalated_all_the_same(self, case, pupr, hendra, irma):
        start(case, pupr)
        with transaction.atomic():
            clock.pause(case, KIND, now=wib(2026, 12, 7, 16, 0, 30))
        assert scan(wib(2026, 12, 7, 16, 1)).breaches_escalated == 1
        assert [d.state for d in Deadline.objects.breached()] == [Deadline.State.PAUSED]
        assert breach_messages().count() == 4

    def test_clocks_paused_in_time_stopped_or_cancelled_never_breach(self, city, case, pupr, hendra, irma):
        cases = list(Kelurahan.objects.filter(kecamatan__city=city).exclude(pk=case.pk)[:2])
        paused, stopped, cancelled = case, *cases
        for each in (paused, stopped, cancelled):
            start(each, pupr)
        with transaction.atomic():
            clock.pause(paused, KIND, now=wib(2026, 12, 7, 10, 0))
            clock.stop(stopped, KIND, now=wib(2026, 12, 7, 11, 0))
            clock.cancel(cancelled, KIND, now=wib(2026, 12, 7, 12, 0))
        result = scan(wib(2026, 12, 14, 9, 0))
        assert (result.near_flagged, result.breaches_escalated) == (0, 0)
        assert not breach_messages().exists()
        assert not Deadline.objects.filter(breached_at__isnull=False).exists()

    def test_a_breached_clock_paused_and_resumed_is_not_escalated_a_second_time(self, case, pupr, hendra, irma):
        start(case, pupr)
        scan(wib(2026, 12, 7, 16, 0))
        with transaction.atomic():
            clock.pause(case, KIND, now=wib(2026, 12, 8, 9, 0))
            clock.resume(case, KIND, now=wib(2026, 12, 9, 9, 0))
        assert scan(wib(2026, 12, 10, 9, 0)).breaches_escalated == 0
        assert breach_messages().count() == 4
        with transaction.atomic():
            assert clock.stop(case, KIND, now=wib(2026, 12, 10, 10, 0)).state == Deadline.State.MISSED


@pytest.mark.django_db
def test_the_command_center_sees_breached_and_near_clocks_by_opd_with_their_holders(city, pupr, budi, dewi):
    tangsi, second, third = Kelurahan.objects.filter(kecamatan__city=city)[:3]
    dlh = opd(city, "dlh")
    start(tangsi, pupr, holder=budi)  # due Monday 16:00
    start(second, pupr, wib(2026, 12, 7, 10, 0), holder=budi)  # near Monday 16:00, due Tuesday 10:00
    start(third, dlh, wib(2026, 12, 7, 10, 0), hours=16, holder=dewi)  # near Tuesday 14:00, due Wednesday 10:00
    scan(wib(2026, 12, 8, 9, 0))

    (pupr_flags,) = clock.flags_by_opd()
    assert pupr_flags.opd == pupr
    assert [(d.object_id, d.holder.full_name) for d in pupr_flags.breached] == [(str(tangsi.pk), "Budi Santoso")]
    assert [d.object_id for d in pupr_flags.near] == [str(second.pk)]

    scan(wib(2026, 12, 9, 9, 0))
    flags = clock.flags_by_opd()
    assert [(f.opd.code, len(f.breached), len(f.near)) for f in flags] == [("dinas-pupr", 2, 0), ("dlh", 0, 1)]


@pytest.mark.django_db
def test_the_worker_task_and_the_command_scan_with_the_current_time(case, pupr, hendra, irma, capsys):
    a_month_ago = timezone.now() - timedelta(days=30)
    start(case, pupr, a_month_ago, hours=1)
    assert scan_deadlines.call() == {"near_flagged": 1, "breaches_escalated": 1, "notifications_queued": 4}
    call_command("scan_deadlines")
    assert "pelanggaran dieskalasi: 0" in capsys.readouterr().out


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_scanners_at_the_same_moment_escalate_every_breach_exactly_once(city, pupr, budi, hendra, irma):
    cases = list(Kelurahan.objects.filter(kecamatan__city=city)[:20])
    for each in cases:
        start(each, pupr, holder=budi)
    moment = wib(2026, 12, 7, 16, 0)
    results = run_concurrently(lambda: scan(moment), lambda: scan(moment))

    assert sum(r.breaches_escalated for r in results) == len(cases)
    assert sum(r.near_flagged for r in results) == len(cases)
    assert Deadline.objects.filter(escalated_at__isnull=False).count() == len(cases)
    # Two recipients (Irma, Hendra) × two channels per breach, and one audit event per breach.
    assert breach_messages().count() == 4 * len(cases)
    assert sum(r.notifications_queued for r in results) == 4 * len(cases)
    escalations = AuditEvent.objects.filter(action="deadline.breached")
    assert sorted(escalations.values_list("object_id", flat=True)) == sorted(str(c.pk) for c in cases)
