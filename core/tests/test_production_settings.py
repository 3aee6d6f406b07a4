"""Production settings come from the environment and pass Django's deployment checklist."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

from certificates.keys import new_private_key, private_pem

BASE_DIR = Path(__file__).resolve().parents[2]


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


def production_env(tmp_path):
    alphabet = string.ascii_letters + string.digits + "!@#$%^&*(-_=+)"
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(60)),
        "DJANGO_ALLOWED_HOSTS": "kota.example.go.id",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kotacerdas.sqlite3'}",
        "KC_VAR_DIR": str(tmp_path),
        "KC_CERTIFICATE_KEY": private_pem(new_private_key()),
    }


def test_check_deploy_finds_nothing_to_warn_about(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_a_bad_boolean_stops_the_process_with_a_clear_message(tmp_path):
    result = manage("check", env={**production_env(tmp_path), "DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_DEBUG='maybe' is not a boolean (use true/false)." in result.stderr


def test_production_refuses_a_short_secret_key(tmp_path):
    result = manage("check", env={**production_env(tmp_path), "DJANGO_SECRET_KEY": "pendek"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be a random string of at least 50 characters." in result.stderr
