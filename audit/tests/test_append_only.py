"""On PostgreSQL the database itself keeps the audit trail append-only."""

import pytest
from django.db import DatabaseError, close_old_connections, connection, transaction

from audit.events import record, verify_chain
from audit.models import AuditEvent
from audit.tests.conftest import triggers_disabled
from core.testing import run_concurrently

pytestmark = pytest.mark.postgres_only


def refused(sql, params=()):
    with pytest.raises(DatabaseError, match="append-only") as caught, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    return caught.value


def test_update_is_refused_by_the_database(story):
    refused("UPDATE audit_auditevent SET reason = 'diubah' WHERE id = %s", [story[0].pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=story[0].pk).update(reason="lewat ORM")
    assert AuditEvent.objects.get(pk=story[0].pk).reason == ""


def test_delete_is_refused_by_the_database(story):
    refused("DELETE FROM audit_auditevent WHERE id = %s", [story[1].pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.get(pk=story[1].pk).delete()
    assert AuditEvent.objects.count() == 3


def test_truncate_is_refused_by_the_database(story):
    refused("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 3


def test_an_empty_table_may_be_truncated(db):
    """What the test runner's flush does between transactional tests: nothing is lost."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")


def test_the_guard_is_back_after_a_superuser_switched_it_off(story):
    with triggers_disabled(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'oleh DBA' WHERE id = %s", [story[0].pk])
    assert verify_chain()[1].event_id == story[0].pk
    refused("UPDATE audit_auditevent SET reason = 'lagi' WHERE id = %s", [story[0].pk])


@pytest.mark.django_db(transaction=True)
def test_many_writers_at_once_keep_one_unbroken_chain(siti, budi):
    writers, events_each = 8, 6

    def writer(n):
        def write():
            for i in range(events_each):
                with transaction.atomic():
                    record(actor=budi, obj=siti, action="report.note", after={"writer": n, "i": i})

        return write

    run_concurrently(*(writer(n) for n in range(writers)))
    close_old_connections()
    assert verify_chain() == (writers * events_each, None)
    hashes = list(AuditEvent.objects.order_by("id").values_list("prev_hash", "hash"))
    assert len({prev for prev, _ in hashes}) == len(hashes)  # no two events claim the same predecessor
