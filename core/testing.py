"""Helpers for tests: JSON API clients, and tests that start another process on the test database (workers,
writers)."""

import socket
import threading
import time
from urllib.parse import quote

from django.db import connection, connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def api_client(user=None):
    """A client as a mobile app uses the API: token authentication (none for anybody not logged in)."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def api_error(response):
    """The body of an API error: {"code", "message", "fields"} (core.api)."""
    return response.json()["error"]


def database_url():
    """The test database, as another process reaches it (SQLite tests use a file, see settings)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, *, timeout=30, interval=0.1, message="kondisi tidak pernah terpenuhi"):
    """Poll until condition() is true; fail the test with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(message)


def free_port():
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_concurrently(*functions, timeout=60):
    """Run each function in its own thread, all released at the same moment; return their results in order.

    Each thread gets its own database connection (Django's are per thread), so
    on PostgreSQL this is real parallel transactions. The first error a thread
    raised fails the caller.
    """
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def run(index, function):
        try:
            barrier.wait(timeout=10)
            results[index] = function()
        except Exception as exc:  # re-raised in the caller below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if errors:
        raise errors[0]
    return results
