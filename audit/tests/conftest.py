from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from audit.events import record


@contextmanager
def triggers_disabled():
    """What a database superuser could do: switch the append-only guard off (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def tamper(sql, params=()):
    """Change the audit table behind the application's back, as a DBA with direct access could."""
    with triggers_disabled(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def story(siti, budi):
    """Siti's registration, Budi's handling and a system reminder: three events on Siti's account."""
    with transaction.atomic():
        return [
            record(actor=siti, obj=siti, action="report.submitted", public=True, public_text="Laporan diterima"),
            record(actor=budi, obj=siti, action="report.note", after={"note": "cek lokasi"}, reason="internal"),
            record(
                actor=budi,
                obj=siti,
                action="report.verified",
                before={"status": "baru"},
                after={"status": "diverifikasi"},
                reason="Lokasi sesuai foto",
                public=True,
                public_text="Laporan diverifikasi",
            ),
        ]
