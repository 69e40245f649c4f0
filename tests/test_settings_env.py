"""The settings' environment helpers: yes/no words are understood or refused, secrets
can come from files (NAME_FILE), and loading the settings creates no folders: what
writes under var/ makes its folder when it first writes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from dit_portal.celery import app
from dit_portal.envvars import env, env_bool
from dit_portal.local_files import BeatScheduler

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("word", "meaning"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        ("ON", True),
        ("0", False),
        ("False", False),
        (" no ", False),
        ("off", False),
    ],
)
def test_env_bool_understands_the_usual_words_in_any_case(monkeypatch, word, meaning):
    monkeypatch.setenv("EMAIL_USE_TLS", word)
    assert env_bool("EMAIL_USE_TLS", not meaning) is meaning


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_unset_or_empty_is_the_default(monkeypatch, default):
    monkeypatch.delenv("EMAIL_USE_TLS", raising=False)
    assert env_bool("EMAIL_USE_TLS", default) is default
    monkeypatch.setenv("EMAIL_USE_TLS", "")
    assert env_bool("EMAIL_USE_TLS", default) is default


@pytest.mark.parametrize("word", ["ture", "enabled", "2", "y"])
def test_env_bool_refuses_a_word_it_does_not_know(monkeypatch, word):
    monkeypatch.setenv("SECURE_SSL_REDIRECT", word)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_bool("SECURE_SSL_REDIRECT", True)
    message = str(refused.value)
    assert "SECURE_SSL_REDIRECT" in message and repr(word) in message
    assert "1/0, true/false, yes/no or on/off" in message


def test_a_secret_is_read_from_the_file_NAME_FILE_names(monkeypatch, tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("s3cret-from-a-file\n")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env("SECRET_KEY") == "s3cret-from-a-file"


def test_a_variable_set_directly_needs_no_file(monkeypatch):
    monkeypatch.setenv("NOTIFY_API_KEY", "key-in-the-environment")
    monkeypatch.delenv("NOTIFY_API_KEY_FILE", raising=False)
    assert env("NOTIFY_API_KEY") == "key-in-the-environment"
    monkeypatch.delenv("NOTIFY_API_KEY")
    assert env("NOTIFY_API_KEY", "fallback") == "fallback"


def test_a_variable_and_its_file_both_set_is_refused(monkeypatch, tmp_path):
    password = tmp_path / "password"
    password.write_text("from-the-file\n")
    monkeypatch.setenv("EMAIL_HOST_PASSWORD", "from-the-environment")
    monkeypatch.setenv("EMAIL_HOST_PASSWORD_FILE", str(password))
    with pytest.raises(ImproperlyConfigured, match="EMAIL_HOST_PASSWORD_FILE"):
        env("EMAIL_HOST_PASSWORD")


def test_a_file_that_cannot_be_read_is_named(monkeypatch, tmp_path):
    missing = tmp_path / "no-such-secret"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL_FILE", str(missing))
    with pytest.raises(ImproperlyConfigured) as refused:
        env("DATABASE_URL")
    assert "DATABASE_URL_FILE" in str(refused.value)
    assert str(missing) in str(refused.value)


def run_python(*args, env_vars):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "dit_portal.settings", **env_vars},
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_manage(*args, env_vars):
    return run_python("manage.py", *args, env_vars=env_vars)


def test_loading_the_settings_creates_no_folders(tmp_path):
    # Embedded defaults: SQLite, file cache, filesystem broker, file email, all under
    # var/. Loading the settings and the apps must not make it; its writers do.
    var = tmp_path / "var"
    result = run_python(
        "-c", "import django; django.setup()", env_vars={"DIT_VAR_DIR": str(var)}
    )
    assert result.returncode == 0, result.stderr
    assert not var.exists(), sorted(str(p) for p in var.rglob("*"))


def test_a_misspelt_yes_no_value_stops_the_portal_naming_it(tmp_path):
    result = run_manage(
        "check", env_vars={"DIT_VAR_DIR": str(tmp_path / "var"), "DEBUG": "ture"}
    )
    assert result.returncode != 0
    assert "DEBUG='ture' is not understood" in result.stderr


def test_production_reads_its_secret_key_from_a_file(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("a-production-secret-read-from-a-mounted-file-7c1e9a\n")
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        env_vars={
            "DIT_ENV": "production",
            "SECRET_KEY": "",
            "SECRET_KEY_FILE": str(secret),
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/dit_portal",
            "ALLOWED_HOSTS": "portal.example.nhs.uk",
        },
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip() == "a-production-secret-read-from-a-mounted-file-7c1e9a"
    )


def test_beat_makes_the_folder_of_its_schedule_file(tmp_path):
    schedule = tmp_path / "var" / "celerybeat-schedule"
    scheduler = BeatScheduler(app=app, schedule_filename=str(schedule), lazy=False)
    try:
        assert schedule.parent.is_dir()
    finally:
        scheduler.close()
