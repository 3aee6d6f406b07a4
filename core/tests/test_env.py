import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from kotacerdas.env import env_bool, env_choice, env_int, env_list, env_str


def test_booleans_accept_the_usual_spellings(monkeypatch):
    for text, expected in [("true", True), ("YES", True), ("1", True), ("off", False), ("0", False)]:
        monkeypatch.setenv("KC_FLAG", text)
        assert env_bool("KC_FLAG", not expected) is expected


def test_a_typo_in_a_boolean_stops_the_process(monkeypatch):
    monkeypatch.setenv("KC_FLAG", "ya")
    with pytest.raises(ImproperlyConfigured, match="KC_FLAG"):
        env_bool("KC_FLAG", False)


def test_integers_are_checked_for_type_and_minimum(monkeypatch):
    monkeypatch.setenv("KC_NUMBER", "abc")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("KC_NUMBER", 1)
    monkeypatch.setenv("KC_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("KC_NUMBER", 5, minimum=1)
    monkeypatch.setenv("KC_NUMBER", "7")
    assert env_int("KC_NUMBER", 5, minimum=1) == 7


def test_unset_or_empty_variables_take_the_default(monkeypatch):
    monkeypatch.delenv("KC_MISSING", raising=False)
    monkeypatch.setenv("KC_EMPTY", "")
    assert env_str("KC_MISSING", "x") == "x"
    assert env_int("KC_EMPTY", 3) == 3
    assert env_list("KC_EMPTY", ["a"]) == ["a"]


def test_required_variables_and_choices_say_what_is_wrong(monkeypatch):
    monkeypatch.delenv("KC_MISSING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="KC_MISSING is required"):
        env_str("KC_MISSING", required=True)
    monkeypatch.setenv("KC_SMS", "pigeon")
    with pytest.raises(ImproperlyConfigured, match="must be one of"):
        env_choice("KC_SMS", "console", {"console", "file", "http"})


def test_lists_are_comma_separated_and_trimmed(monkeypatch):
    monkeypatch.setenv("KC_HOSTS", " a.go.id, b.go.id ,,")
    assert env_list("KC_HOSTS", []) == ["a.go.id", "b.go.id"]


def test_the_configured_cache_round_trips(settings):
    """`make test-pg` runs this against Redis (REDIS_URL), `make test` against local memory."""
    if settings.REDIS_URL:
        assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("kc-cache-probe", {"kota": "Binjai"}, 30)
    assert cache.get("kc-cache-probe") == {"kota": "Binjai"}
    cache.delete("kc-cache-probe")
    assert cache.get("kc-cache-probe") is None
