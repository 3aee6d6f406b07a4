"""Pages in a real browser: the API documentation works offline."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_api_docs_load_with_no_request_leaving_the_server(city, page, request_log):
    page.goto("/api/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Kota Cerdas API")
    expect(page.locator(".opblock").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("/api/schema/") for url in request_log.urls)
    assert request_log.foreign() == []
