import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from audit.events import history, public_timeline, record, verify_chain
from audit.models import GENESIS_HASH, AuditEvent
from audit.tests.conftest import tamper


def verify_audit():
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused(siti):
    with pytest.raises(RuntimeError, match="must run inside the transaction"):
        record(actor=siti, obj=siti, action="account.registered")
    assert not AuditEvent.objects.exists()


def test_an_event_says_who_did_what_to_which_object_and_why(story, siti, budi):
    verified = AuditEvent.objects.get(pk=story[2].pk)
    assert verified.actor_id == budi.pk and verified.actor_label == "Budi Santoso (Dinas PUPR)"
    assert (verified.object_type, verified.object_id) == ("accounts.user", str(siti.pk))
    assert verified.action == "report.verified" and verified.reason == "Lokasi sesuai foto"
    assert verified.before == {"status": "baru"} and verified.after == {"status": "diverifikasi"}
    assert verified.occurred_at <= timezone.now()


def test_the_system_and_anonymous_visitors_are_recorded_as_sistem(siti):
    with transaction.atomic():
        by_system = record(actor=None, obj=siti, action="account.locked")
        by_visitor = record(actor=AnonymousUser(), obj=siti, action="account.viewed")
    assert by_system.actor_id is None and by_system.actor_label == "Sistem"
    assert by_visitor.actor_id is None and by_visitor.actor_label == "Sistem"


def test_each_event_links_to_the_one_before(story):
    events = list(AuditEvent.objects.order_by("id"))
    assert events[0].prev_hash == GENESIS_HASH
    for earlier, later in zip(events, events[1:], strict=False):
        assert later.prev_hash == earlier.hash
    assert len({event.hash for event in events}) == 3


def test_an_intact_chain_verifies(story):
    assert verify_chain() == (3, None)
    assert verify_chain(batch_size=2) == (3, None)
    assert "Rantai audit utuh: 3 peristiwa diperiksa." in verify_audit()


def test_an_empty_chain_verifies(db):
    assert verify_chain() == (0, None)


def test_an_edited_reason_is_found_by_verify_audit(story):
    verify_audit()
    middle = story[1]
    tamper("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["tidak ada catatan", middle.pk])
    with pytest.raises(CommandError) as caught:
        verify_audit()
    assert str(caught.value) == (
        f"Rantai audit RUSAK pada peristiwa #{middle.pk}: isi peristiwa tidak cocok dengan hash-nya (isi diubah). "
        "1 peristiwa sebelumnya utuh."
    )


def test_an_edited_after_value_is_found(story):
    last = story[2]
    tamper("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"status": "selesai"}', last.pk])
    assert AuditEvent.objects.get(pk=last.pk).after == {"status": "selesai"}
    checked, broken = verify_chain()
    assert checked == 2 and broken.event_id == last.pk


def test_a_rehashed_edit_still_breaks_the_next_link(story):
    """Recomputing the edited event's own hash does not help: the next event points at the old one."""
    first = AuditEvent.objects.get(pk=story[0].pk)
    first.public_text = "Laporan ditolak"
    tamper(
        "UPDATE audit_auditevent SET public_text = %s, hash = %s WHERE id = %s",
        [first.public_text, first.compute_hash(first.prev_hash), first.pk],
    )
    checked, broken = verify_chain()
    assert checked == 1 and broken.event_id == story[1].pk
    assert "tautan" in broken.problem


def test_a_deleted_event_in_the_middle_is_a_broken_link(story):
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [story[1].pk])
    with pytest.raises(CommandError, match=rf"#{story[2].pk}: tautan ke peristiwa sebelumnya tidak cocok"):
        verify_audit()


def test_decimals_dates_and_times_survive_the_hash_round_trip(siti):
    at = timezone.make_aware(datetime(2026, 11, 2, 9, 30, 15, 123456))
    with transaction.atomic():
        event = record(
            actor=siti,
            obj=siti,
            action="retribution.paid",
            before={"amount": Decimal("1250000.50"), "due": date(2026, 11, 30)},
            after={"amount": Decimal("0.00"), "paid_at": at, "items": [1, 2.5, "tiga"], "lunas": True},
            reason="Pembayaran lewat bank — lunas ✓",
        )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.before == {"amount": "1250000.50", "due": "2026-11-30"}
    assert stored.after["paid_at"].startswith("2026-11-02T09:30:15.123")
    assert stored.compute_hash(stored.prev_hash) == stored.hash
    assert verify_chain() == (1, None)


def test_the_public_timeline_shows_public_steps_in_order_without_names(story, siti, budi):
    timeline = public_timeline(siti)
    assert [entry.text for entry in timeline] == ["Laporan diterima", "Laporan diverifikasi"]
    assert timeline[1].reason == "Lokasi sesuai foto"
    assert timeline[0].at <= timeline[1].at
    for entry in timeline:
        assert set(vars(entry)) == {"at", "text", "reason"}
        assert "Budi" not in repr(entry) and "Siti" not in repr(entry)


def test_the_public_timeline_is_per_object(story, andi):
    assert public_timeline(andi) == []


def test_the_full_history_has_every_event_for_officers(story, siti):
    assert [event.action for event in history(siti)] == ["report.submitted", "report.note", "report.verified"]


def test_deleting_the_newest_events_is_caught_by_the_anchor_kept_outside_the_database(story):
    out = verify_audit()
    assert f"Kepala rantai: #{story[2].pk} {story[2].hash}" in out
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [story[2].pk])

    assert verify_chain() == (2, None)  # the shortened chain is still a valid chain...
    with pytest.raises(CommandError, match="tidak ada lagi di rantai"):
        call_command("verify_audit", anchor=story[2].hash, stdout=io.StringIO())  # ...but the anchor is gone


def test_an_anchor_that_is_still_in_the_chain_passes(story):
    out = io.StringIO()
    call_command("verify_audit", anchor=story[1].hash, stdout=out)
    assert "Rantai audit utuh: 3 peristiwa diperiksa." in out.getvalue()
