"""Production settings: check --deploy is clean, and the portal refuses to start without a secret."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    # A clean production-like environment (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for themselves).
    dropped = ("DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_prints_no_warning_under_production_settings():
    secret = "x7#Qp9!vLm2@Rt5$Wz8^Ky3&Nb6*Hd4(Jf1)Gs0_Ua-Ec+Tr=Yo"
    result = _manage("check", "--deploy", "--fail-level", "WARNING",
                     DEBUG="false", SECRET_KEY=secret, ALLOWED_HOSTS="portal.example.org")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_without_a_secret_key_production_refuses_to_start():
    result = _manage("check", DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/sign-in/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_api_docs_allow_inline_style_but_never_inline_script(client, referrer):
    client.force_login(referrer)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["script-src"] == "'self'"
    assert "cdn" not in response.content.decode().lower()


def test_reading_the_settings_makes_no_folder():
    # var/ (the demo's SQLite file, broker and beat schedule) is made where it is used: config/sqlite, config/celery.
    refuse = ("import os, pathlib\n"
              "def refuse(*args, **kwargs): raise SystemExit(f'settings made a folder: {args[:1]}')\n"
              "pathlib.Path.mkdir = os.makedirs = os.mkdir = refuse\n"
              "import config.settings\n")
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    result = subprocess.run([sys.executable, "-c", refuse], cwd=ROOT, env={**environment, "DEBUG": "true"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
