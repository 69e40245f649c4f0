"""Reading settings from the environment: the three helpers settings.py uses."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env(name, default=""):
    """NAME, or when NAME is unset (or empty) the contents of the file NAME_FILE names,
    less its trailing newline: secrets mounted as files stay out of the environment."""
    value = os.environ.get(name)
    path = os.environ.get(f"{name}_FILE")
    if not path:
        return default if value is None else value
    if value:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    try:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        raise ImproperlyConfigured(
            f"{name}_FILE names {path}, which cannot be read ({exc.strerror})."
        ) from exc


def env_bool(name, default=False):
    """A yes/no variable. A word it does not know is refused rather than read as "no":
    DEBUG=ture must not quietly mean something else. Empty means unset."""
    raw = env(name)
    word = raw.strip().lower()
    if not word:
        return default
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not understood: use 1/0, true/false, yes/no or on/off "
        "(in any case)."
    )


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]
