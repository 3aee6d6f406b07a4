"""The browser harness without a browser: what happens when Chromium is missing."""

import pytest

from portal.tests.browser import RequestLog, require_chromium


def test_missing_chromium_skips_with_a_loud_reason(tmp_path, monkeypatch):
    monkeypatch.delenv("KC_REQUIRE_BROWSER", raising=False)

    with pytest.raises(pytest.skip.Exception, match="UJI BROWSER DILEWATI"):
        require_chromium(tmp_path / "chromium")


def test_missing_chromium_fails_where_the_browser_is_required(tmp_path, monkeypatch):
    monkeypatch.setenv("KC_REQUIRE_BROWSER", "1")

    with pytest.raises(pytest.fail.Exception, match="KC_REQUIRE_BROWSER=1"):
        require_chromium(tmp_path / "chromium")


def test_present_chromium_lets_the_tests_run(tmp_path, monkeypatch):
    monkeypatch.setenv("KC_REQUIRE_BROWSER", "1")
    chromium = tmp_path / "chromium"
    chromium.touch()

    assert require_chromium(chromium) is None


def test_request_log_names_every_request_to_another_host():
    log = RequestLog("http://localhost:8123")
    for url in (
        "http://localhost:8123/api/docs/",
        "data:image/png;base64,AAAA",
        "https://cdn.jsdelivr.net/npm/swagger-ui-dist/swagger-ui.css",
        "http://localhost:9999/other-port",
    ):
        log.urls.append(url)

    assert log.foreign() == [
        "https://cdn.jsdelivr.net/npm/swagger-ui-dist/swagger-ui.css",
        "http://localhost:9999/other-port",
    ]
