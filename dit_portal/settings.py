"""DIT Portal settings: one file, driven by environment variables.

With nothing set, the portal runs on embedded defaults (SQLite under var/, Celery on
kombu's filesystem transport, emails written to var/mail/), which is what `make run`
uses. DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis. DIT_ENV=production
turns on the production hardening that `manage.py check --deploy` looks for.
The README lists every variable. Any of them can instead be read from a file named by
NAME_FILE (Docker and Kubernetes secrets). Settings create no folders: whatever writes
under var/ makes its folder when it first writes (dit_portal/sqlite, local_files.py).
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from dit_portal.envvars import env, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

VAR_DIR = Path(env("DIT_VAR_DIR", str(BASE_DIR / "var")))
PRODUCTION = env("DIT_ENV", "development") == "production"
EMBEDDED = not env("DATABASE_URL")

DEBUG = False if PRODUCTION else env_bool("DEBUG", EMBEDDED)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DIT_ENV=production.")
    # The public development key signs sessions and reset links: only for the
    # embedded demo, or a throw-away database someone says is one (tests, demos).
    if not EMBEDDED and not env_bool("ALLOW_DEVELOPMENT_KEY", False):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DATABASE_URL is: that database may hold real "
            "records. Set SECRET_KEY (or SECRET_KEY_FILE), or ALLOW_DEVELOPMENT_KEY=1 "
            "for a throw-away test or demo database."
        )
    SECRET_KEY = "insecure-development-key-only-for-the-embedded-demo"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "crispy_forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "dit_portal.accounts",
    "dit_portal.audit",
    "patients",
    "messaging",
    "therapy",
    "questionnaires",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dit_portal.core.middleware.NoStoreWhenSignedIn",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "dit_portal.accounts.middleware.StaffSecurityMiddleware",
]

ROOT_URLCONF = "dit_portal.urls"
WSGI_APPLICATION = "dit_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %}, |date and |time that cost microseconds a row, not tens
            # (docs/performance.md); same syntax and output as Django's.
            "builtins": ["dit_portal.core.template_tags"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "therapy.clinic.context_processors.clinic",
                "messaging.context_processors.reminders_delayed",
                "dit_portal.accounts.context_processors.idle_timeout",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL is set (PostgreSQL via psycopg 3).
# dit_portal.sqlite is Django's SQLite backend that makes var/ on first connection.
if EMBEDDED:
    DATABASES = {
        "default": {
            "ENGINE": "dit_portal.sqlite",
            "NAME": VAR_DIR / "dit_portal.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
else:
    # Connections are kept for a minute and checked before reuse, so a PostgreSQL
    # restart costs the next request a reconnect, not a 500.
    DATABASES = {
        "default": dj_database_url.parse(
            env("DATABASE_URL"), conn_max_age=60, conn_health_checks=True
        )
    }
    DATABASES["default"]["TEST"] = {
        "NAME": env("TEST_DATABASE_NAME", "test_dit_portal")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Cache: allauth's sign-in rate limits and TOTP replay guard use the default cache, so
# it lives where sign-in works: the database (accounts/0002), so a Redis outage cannot
# stop or un-limit sign-in; files under var/ when embedded. (Also: the worker heartbeat.)
if EMBEDDED:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "dit_cache",
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "dit"),
            # Above MAX_ENTRIES a write culls expired then a third of live rows;
            # 50,000 is far above normal use's live counters (two per address and
            # account signing in within five minutes), so no limit is dropped.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

# Broker: Redis when REDIS_URL is set, otherwise kombu's filesystem transport (a real
# broker that needs no server).
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Publishing gives up quickly when Redis is down (kombu would otherwise retry for
    # seconds inside a web request); the outbox dispatcher sends the message later.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    # kombu's filesystem transport, making these folders when a channel opens. Set
    # only here: a broker transport overrides the URL's scheme.
    CELERY_BROKER_TRANSPORT = "dit_portal.local_files:FilesystemTransport"
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # kombu's default is ./control, relative to wherever the process started.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }

CELERY_TIMEZONE = "Europe/London"
# Tests give their workers a queue (and Redis database) of their own.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "celery")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers keep their database connection between tasks (Celery's fixup would close it
# around each): dit_portal/celery.py checks it before each task instead.
CELERY_DB_REUSE_MAX = 1000
# A worker that loses the broker retries for as long as the outage lasts (Celery's
# default gives up after 100 tries, ~50 minutes), at start and later, 2 s to 30 s apart.
# Web requests publish with the options above and give up at once. A worker that still
# dies (a kombu crash in a Redis outage has been seen) is restarted by its supervisor:
# docker-compose's restart policy, or scripts/supervise.py under `make run`.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULER = "dit_portal.local_files:BeatScheduler"  # makes var/ if need be
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "dit_portal.tasks.heartbeat", "schedule": 60.0},
    # Hands due outbox rows to workers (messaging/outbox.py); reminders depend on it.
    "dispatch-messages": {
        "task": "messaging.tasks.dispatch_messages",
        "schedule": 60.0,
    },
    # Risk flags unacknowledged past the next working day go to the clinic admins
    # (therapy/risk.py); late by at most this interval.
    "escalate-risk-flags": {
        "task": "therapy.tasks.escalate_risk_flags",
        "schedule": 60.0 * 15,
    },
    "clear-expired-sessions": {
        "task": "dit_portal.tasks.clear_expired_sessions",
        "schedule": 60.0 * 60,
    },
}

# Authentication: email login through django-allauth; MFA for staff.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "dit_portal.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_EMAIL_NOTIFICATIONS = True  # password and two-factor changes, by email
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Second-factor secrets are encrypted at rest (dit_portal/accounts/mfa_adapter.py):
# Fernet keys, comma-separated, the first encrypting; rotate_mfa_secrets re-encrypts.
MFA_ADAPTER = "dit_portal.accounts.mfa_adapter.MFAAdapter"
MFA_ENCRYPTION_KEYS = env_list("MFA_ENCRYPTION_KEYS")
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "DIT Portal")
# The embedded demo lets its staff through MFA with a fixed code. allauth refuses this
# setting unless DEBUG is on, and DEBUG is always off in production mode.
DEMO_MFA_CODE = env("DEMO_MFA_CODE", "000000") if DEBUG and EMBEDDED else ""
if DEMO_MFA_CODE:
    MFA_TOTP_INSECURE_BYPASS_CODE = DEMO_MFA_CODE

STAFF_IDLE_TIMEOUT_SECONDS = 30 * 60
PATIENT_IDLE_TIMEOUT_SECONDS = int(env("PATIENT_IDLE_TIMEOUT_MINUTES", "30")) * 60
IDLE_WARNING_SECONDS = 5 * 60  # the "Stay signed in" notice comes this long before
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Flash messages may name a patient: keep them server-side, not in a readable cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# The goodbye letter's PDF embeds DejaVu Sans (Debian's fonts-dejavu-core).
LETTER_FONT_DIR = env("LETTER_FONT_DIR", "/usr/share/fonts/truetype/dejavu")

# Invitations: a patient's one-time link to set a password.
INVITATION_VALID_DAYS = int(env("INVITATION_VALID_DAYS", "14"))
# A sign-in address changed by the clinic: the link its owner confirms it with.
EMAIL_CHANGE_VALID_DAYS = int(env("EMAIL_CHANGE_VALID_DAYS", "7"))

# How many proxies we run in front of the portal, each appending to X-Forwarded-For.
# 0 (the default): the header is ignored, as anyone can write it; the audit trail
# records the connection's own address.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))

# Email: files under var/mail/ unless an SMTP host is configured.
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", "Patient portal <no-reply@patient-portal.invalid>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env("EMAIL_HOST") or PRODUCTION:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST", "localhost"),
                "port": int(env("EMAIL_PORT", "587")),
                "username": env("EMAIL_HOST_USER"),
                "password": env("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }

# Messages (messaging/outbox.py): attempts before a message is shown as failed, rows per
# send task (MESSAGE_SEND_BATCH), and SMS through GOV.UK Notify, off unless a key and a
# template id are set. The template holds one placeholder, ((body));
# NOTIFY_SMS_TEMPLATES can give a kind its own template ("reminder=<id>,welcome=<id>").
MESSAGE_MAX_ATTEMPTS = int(env("MESSAGE_MAX_ATTEMPTS", "5"))
MESSAGE_SEND_BATCH = int(env("MESSAGE_SEND_BATCH", "100"))
NOTIFY_API_KEY = env("NOTIFY_API_KEY")
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
NOTIFY_SMS_TEMPLATE_ID = env("NOTIFY_SMS_TEMPLATE_ID")
NOTIFY_SMS_TEMPLATES = dict(
    item.split("=", 1) for item in env_list("NOTIFY_SMS_TEMPLATES") if "=" in item
)

# Forms: crispy-forms with the project's own NHS.UK template pack (templates/nhsuk/).
CRISPY_ALLOWED_TEMPLATE_PACKS = ["nhsuk"]
CRISPY_TEMPLATE_PACK = "nhsuk"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Internationalisation: stored in UTC, shown in UK time.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Static files: built by `npm run build` into static/build/, served by WhiteNoise.
STATIC_URL = "/static/"
# collectstatic's output, made by collectstatic. Outside production WhiteNoise serves
# straight from the finders, and a STATIC_ROOT that does not exist would only make it
# warn at every start, so there is none unless asked for.
STATIC_ROOT = env("STATIC_ROOT") or (VAR_DIR / "staticfiles" if PRODUCTION else None)
STATICFILES_DIRS = [BASE_DIR / "static" / "build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Security headers, on in every mode; the HTTPS-only ones in production.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Logging: to stderr, without request bodies or personal data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
