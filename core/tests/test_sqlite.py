"""SQLite is the embedded default: the web process and the worker write to it at the same time."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.models import PeriodicJob

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite-specific settings")

# Each writer reads, then writes, in one transaction, many times: the pattern that fails with
# "database is locked" when two deferred transactions both try to upgrade to a write lock.
WRITER = """
import django, sys
django.setup()
from django.db import transaction
from core.models import PeriodicJob
name = sys.argv[1]
for i in range(150):
    with transaction.atomic():
        job, _ = PeriodicJob.objects.get_or_create(name=name)
        PeriodicJob.objects.filter(pk=job.pk).update(last_enqueued_at=None)
        PeriodicJob.objects.get_or_create(name=f"{name}-{i}")
print("ok")
"""


def test_connections_use_wal_and_immediate_transactions(db):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_two_processes_writing_at_once_never_hit_database_is_locked(transactional_db):
    database = connection.settings_dict["NAME"]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "kotacerdas.settings"}
    root = Path(settings.BASE_DIR)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, name],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("web", "worker")
    ]
    results = [writer.communicate(timeout=120) for writer in writers]
    for writer, (_out, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err
        assert "locked" not in err
    assert PeriodicJob.objects.filter(name__startswith="web-").count() == 150
    assert PeriodicJob.objects.filter(name__startswith="worker-").count() == 150
