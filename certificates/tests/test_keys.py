"""The signing key: parsed strictly from KC_CERTIFICATE_KEY, a development key only with DEBUG on."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from certificates.keys import (
    certificate_key_from_environment,
    development_key,
    key_id,
    new_private_key,
    parse_private_key,
    parse_retired_keys,
    private_pem,
    public_pem,
)

BASE_DIR = Path(__file__).resolve().parents[2]
SECRET = "dev-only-insecure-secret-key-never-use-in-production-0123456789"


def pem_of(key, encryption=None):
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        encryption or serialization.NoEncryption(),
    ).decode("ascii")


def test_an_ed25519_pem_key_is_read():
    key = new_private_key()

    parsed = parse_private_key(private_pem(key))

    assert key_id(parsed) == key_id(key)


def test_a_one_line_value_with_escaped_newlines_is_read():
    key = new_private_key()
    one_line = private_pem(key).strip().replace("\n", "\\n")

    assert key_id(parse_private_key(one_line)) == key_id(key)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("rahasia", "must be an Ed25519 private key in PEM"),
        ("-----BEGIN PRIVATE KEY-----\nbukan-base64\n-----END PRIVATE KEY-----", "not a readable PEM private key"),
        ("-----BEGIN PRIVATE KEY-----\nkunci✓\n-----END PRIVATE KEY-----", "not a readable PEM private key"),
        (public_pem(Ed25519PrivateKey.generate()), "holds a public key"),
        (pem_of(rsa.generate_private_key(public_exponent=65537, key_size=2048)), "must be an Ed25519 key, not RSA"),
        (pem_of(ec.generate_private_key(ec.SECP256R1())), "must be an Ed25519 key"),
        (
            pem_of(Ed25519PrivateKey.generate(), serialization.BestAvailableEncryption(b"sandi")),
            "is password-protected",
        ),
    ],
)
def test_anything_but_an_unencrypted_ed25519_private_key_stops_start_up(value, message):
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        parse_private_key(value)
    assert "KC_CERTIFICATE_KEY" in str(caught.value)


def test_production_requires_the_key():
    for missing in (None, "", "  "):
        with pytest.raises(ImproperlyConfigured, match="KC_CERTIFICATE_KEY is required when DJANGO_DEBUG=false"):
            certificate_key_from_environment(missing, debug=False, secret_key=SECRET)


def test_development_derives_a_stable_key_from_the_secret_key():
    first = certificate_key_from_environment(None, debug=True, secret_key=SECRET)
    again = certificate_key_from_environment("", debug=True, secret_key=SECRET)
    other = certificate_key_from_environment(None, debug=True, secret_key=SECRET + "x")

    assert key_id(first) == key_id(again) == key_id(development_key(SECRET))
    assert key_id(other) != key_id(first)


def test_a_given_key_wins_over_the_development_key_and_is_still_checked():
    key = new_private_key()

    assert key_id(certificate_key_from_environment(private_pem(key), debug=True, secret_key=SECRET)) == key_id(key)
    with pytest.raises(ImproperlyConfigured):
        certificate_key_from_environment("rahasia", debug=True, secret_key=SECRET)


def test_the_key_id_is_a_fingerprint_of_the_public_key():
    key = new_private_key()

    assert key_id(key) == key_id(key.public_key())
    assert len(key_id(key)) == 32 and int(key_id(key), 16) >= 0
    assert key_id(key) != key_id(new_private_key())


def test_the_certificate_key_command_prints_a_usable_private_key_and_its_public_key():
    out, err = io.StringIO(), io.StringIO()

    call_command("certificate_key", stdout=out, stderr=err)

    key = parse_private_key(out.getvalue())
    assert out.getvalue().startswith("-----BEGIN PRIVATE KEY-----")
    assert f"Sidik jari kunci: {key_id(key)}" in err.getvalue()
    assert public_pem(key) in err.getvalue()


def test_the_certificate_key_command_prints_one_line_for_environment_files():
    out = io.StringIO()

    call_command("certificate_key", "--one-line", stdout=out, stderr=io.StringIO())

    line = out.getvalue()
    assert line.count("\n") == 1 and line.endswith("\n")
    assert isinstance(parse_private_key(line), Ed25519PrivateKey)


# --- the settings module, as production starts it ------------------------------------------------------


def manage(*args, env):
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "KC_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(tmp_path, **extra):
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "p" * 20 + "r" * 20 + "o" * 20 + "duksi",
        "DJANGO_ALLOWED_HOSTS": "kota.example.go.id",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kotacerdas.sqlite3'}",
        "KC_VAR_DIR": str(tmp_path),
        **extra,
    }


def test_production_without_a_certificate_key_does_not_start(tmp_path):
    result = manage("check", env=production_env(tmp_path))

    assert result.returncode != 0
    assert "ImproperlyConfigured: KC_CERTIFICATE_KEY is required when DJANGO_DEBUG=false" in result.stderr


def test_production_with_a_wrong_certificate_key_does_not_start(tmp_path):
    rsa_pem = pem_of(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    result = manage("check", env=production_env(tmp_path, KC_CERTIFICATE_KEY=rsa_pem))

    assert result.returncode != 0
    assert "KC_CERTIFICATE_KEY must be an Ed25519 key" in result.stderr


def test_production_with_a_one_line_key_passes_the_deployment_checklist(tmp_path):
    one_line = private_pem(new_private_key()).strip().replace("\n", "\\n")

    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path, KC_CERTIFICATE_KEY=one_line)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def rsa_public_pem():
    public = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def test_retired_public_keys_are_read_one_after_the_other_also_from_one_line():
    first, second = new_private_key(), new_private_key()
    value = public_pem(first) + public_pem(second)

    assert [key_id(k) for k in parse_retired_keys(value)] == [key_id(first), key_id(second)]
    assert [key_id(k) for k in parse_retired_keys(value.strip().replace("\n", "\\n"))] == [
        key_id(first),
        key_id(second),
    ]
    assert parse_retired_keys("") == [] and parse_retired_keys(None) == []


@pytest.mark.parametrize(
    "value, message",
    [
        ("bukan kunci", "must be Ed25519 public keys in PEM"),
        (pem_of(Ed25519PrivateKey.generate()), "public keys only; never put a private key here"),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "public key 1 is not a readable PEM"),
        (rsa_public_pem(), "public key 1 is not an Ed25519"),
    ],
)
def test_anything_but_ed25519_public_keys_as_retired_keys_stops_start_up(value, message):
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        parse_retired_keys(value)
    assert "KC_CERTIFICATE_RETIRED_KEYS" in str(caught.value)
