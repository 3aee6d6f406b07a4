"""The browser harness: Playwright's sync API driving Debian's Chromium against pytest-django's live_server.

The root conftest.py loads this module as a pytest plugin, so any test can ask for
`page` (and `request_log`); mark such tests with @pytest.mark.browser. A story with a second person opens
their own tab with `logged_in_tab` (or `new_tab` and `log_in`).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connections

from conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def require_chromium(path=CHROMIUM):
    """Skip loudly when Chromium is missing; fail instead where it must be there (KC_REQUIRE_BROWSER=1, CI)."""
    if path.exists():
        return
    message = f"{path} tidak ada: pasang paket Debian 'chromium' (scripts/ensure-chromium)."
    if os.environ.get("KC_REQUIRE_BROWSER") == "1":
        pytest.fail(f"KC_REQUIRE_BROWSER=1 tetapi {message}", pytrace=False)
    pytest.skip(f"UJI BROWSER DILEWATI — {message}")


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; Django's ORM
    # would otherwise refuse the test's own queries as "called from an async context".
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            yield chromium
            chromium.close()
            # Inside sync_playwright the tests ran in another context, so Django opened a second
            # database connection there; close it, or PostgreSQL cannot drop the test database.
            connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def new_tab(browser, live_server, *, javascript=True):
    """A tab in a fresh browser context (no cookies, no cache) whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server.url, locale="id-ID", java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    return context.new_page()


def log_in(tab, login_id):
    """Log in through the login form the tab shows, with a NIK or NIP and the cast's password."""
    tab.get_by_label("NIK atau NIP").fill(login_id)
    tab.get_by_label("Kata sandi").fill(PASSWORD)
    tab.get_by_role("button", name="Masuk").click()


def logged_in_tab(browser, live_server, user, start, *, javascript=True):
    """A fresh tab of its own, logged in through the login form as `user`, then opened at `start`."""
    tab = new_tab(browser, live_server, javascript=javascript)
    tab.goto("/akun/masuk/")
    log_in(tab, user.login_id)
    tab.goto(start)
    return tab


@pytest.fixture
def page(browser, live_server):
    """A tab in a fresh browser context (no cookies, no cache) whose relative URLs go to the live server."""
    tab = new_tab(browser, live_server)
    yield tab
    tab.context.close()


class RequestLog:
    """Every URL the page asked for, to prove that nothing left the test server."""

    def __init__(self, origin):
        self.host = urlsplit(origin).netloc
        self.urls = []

    def record(self, request):
        self.urls.append(request.url)

    def foreign(self):
        """Requests to any other host (data: and blob: URLs stay inside the browser)."""
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in {"data", "blob"} and urlsplit(url).netloc != self.host
        ]


@pytest.fixture
def request_log(page, live_server):
    log = RequestLog(live_server.url)
    page.on("request", log.record)
    return log
