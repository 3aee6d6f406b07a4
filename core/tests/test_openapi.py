from django.core.management import call_command


def test_the_openapi_schema_validates_without_warnings(db, tmp_path):
    """Every endpoint must be describable: a view drf-spectacular cannot read fails here, not in a client app."""
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    assert "openapi: 3." in schema
    for path in ["/api/v1/auth/register", "/api/v1/auth/verify", "/api/v1/auth/token", "/api/v1/me", "/api/v1/city"]:
        assert f"  {path}:" in schema


def test_the_schema_is_served_to_anyone(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"Kota Cerdas API" in response.content
