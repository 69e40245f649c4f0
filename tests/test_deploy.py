"""Production mode passes Django's deployment checklist, and refuses to start unsafe."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DIT_ENV": "production",
    "SECRET_KEY": "a-production-secret-that-is-long-and-random-enough-3f9c1e7a2b8d4",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/dit_portal",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "ALLOWED_HOSTS": "portal.example.nhs.uk",
    "SITE_URL": "https://portal.example.nhs.uk",
    "MFA_ENCRYPTION_KEYS": "ahho_-NbFtUpBTcx6cn0127tl6MUDuXl5wBXNLsW3GU=",
}


def manage(*args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DEMO_MFA_CODE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issues_in_production_mode():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_needs_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_and_demo_mfa_code_cannot_be_switched_on_in_production():
    env = {**PRODUCTION_ENV, "DEBUG": "1", "DEMO_MFA_CODE": "123456"}
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, "
        "getattr(settings, 'MFA_TOTP_INSECURE_BYPASS_CODE', None))",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "None"]
