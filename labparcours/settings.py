"""Settings of Lab Parcours: one file, read from the environment.

Without any variable set, the project runs on embedded defaults (SQLite, a file-system Celery
broker, DEBUG on) so that `make run` works on a fresh machine. Production sets DJANGO_DEBUG=0,
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL (PostgreSQL) and REDIS_URL.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LABPARCOURS_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

_DEV_SECRET = "django-insecure-only-for-local-development-never-in-production"  # noqa: S105
# Outside DEBUG there is no default: the web server and the Celery processes refuse to start
# without it (labparcours.startup), while management commands that need no key still run.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _DEV_SECRET if DEBUG else "")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("LABPARCOURS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Its index expressions (pg_trgm's operator classes for the dashboard's search); on
    # SQLite it does nothing.
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "template_partials",
    "simple_history",
    "csp",
    "labparcours",
    "patients",
    "teams",
    "sic",
    "careplans",
    "budget",
    "indemnities",
    "threads",
    "opinions",
    "reminders",
    "programme",
    "interop",
]

MIDDLEWARE = [
    "labparcours.correlation.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # First to see the request, last to see the answer: covers every answer below it.
    "labparcours.middleware.NoStoreMiddleware",
    "labparcours.access.AccessLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "labparcours.middleware.SessionTimeoutMiddleware",
    "labparcours.middleware.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "labparcours.urls"
WSGI_APPLICATION = "labparcours.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # `{% url %}` with its paths made once (labparcours.links), in every template.
            "builtins": ["labparcours.templatetags.paths"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "labparcours.context_processors.navigation",
                "reminders.context_processors.bell",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits of allauth live here, so it must be shared between processes) -------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache; Redis unreachable, reads miss and writes are dropped.
            "BACKEND": "labparcours.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "labparcours",
            # As the broker's: a Redis that does not answer fails a request in seconds, never
            # holds it for the system's TCP timeout.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts ------------------------------------------------------------------------------
AUTH_USER_MODEL = "labparcours.User"
# allauth's backend alone: it is Django's ModelBackend (permissions, sessions) that also reads
# the e-mail login. With both, a failed login ran the password hasher twice (each backend
# checks, or hashes a dummy password against timing attacks): two seconds instead of one.
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_ADAPTER = "labparcours.adapters.AccountAdapter"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Lab Parcours] "
# A password reset for an address without an account still sends one e-mail (our own text in
# templates/account/email/unknown_account_*, with no sign-up link), so that neither the page
# nor the time it takes tells whether the address has an account.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
# Failed logins: 10 a minute per client address, 5 per 5 minutes per (account, address) —
# "key" is the account and the address (labparcours.adapters), so that nobody can lock a user
# out from elsewhere.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LABPARCOURS_LOGIN_RATE", "10/m/ip,5/5m/key"),
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Lab Parcours"
# Roles that must have two-factor authentication before they can use the application. Demo
# accounts in a local DEBUG run are exempt so that a newcomer can log in at once.
MFA_REQUIRED_ROLES = env_list(
    "LABPARCOURS_MFA_REQUIRED_ROLES", "" if DEBUG else "admin,coordinator"
)

# Personal API tokens expire this many days after their creation.
LABPARCOURS_API_TOKEN_DAYS = env_int("LABPARCOURS_API_TOKEN_DAYS", 90)
# Requests per token (per user for a session) and window, beyond which the API answers 429
# with Retry-After (labparcours.api_throttling): "<n>/<s|min|hour|day>"; empty: no limit.
LABPARCOURS_API_RATE_LIMIT = env_str("LABPARCOURS_API_RATE_LIMIT", "300/min")

# A session ends SESSION_COOKIE_AGE seconds after it was opened, whatever the activity, and
# after LABPARCOURS_SESSION_IDLE_MINUTES without activity (labparcours.middleware).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
LABPARCOURS_SESSION_IDLE_MINUTES = env_int("LABPARCOURS_SESSION_IDLE_MINUTES", 30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads (scanned sheets…) live here, outside any URL: only labparcours.uploads.serve_upload
# reads them back, through the access scope. MEDIA_ROOT holds the files of older versions.
PRIVATE_MEDIA_ROOT = Path(env_str("DJANGO_PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
LABPARCOURS_UPLOAD_MAX_BYTES = env_int("LABPARCOURS_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "labparcours.uploads.PrivateStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail --------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
# Seconds an SMTP exchange may take: a mail server that hangs never holds a worker (or a
# request sending inline while the broker is down) for long.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Lab Parcours <no-reply@labparcours.test>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "labparcours.api_auth.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["labparcours.api_base.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "labparcours.api_paging.KeysetPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_THROTTLE_CLASSES": ["labparcours.api_throttling.TokenRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "labparcours.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "labparcours.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lab Parcours API",
    "DESCRIPTION": (
        "Coordination of complex chronic patients' care (IC, DT2).\n\n"
        "Every refusal is one JSON object, the `Error` component: a stable `code`, a "
        "`detail` in French, and on a 400 `errors`, field by field. A writable resource "
        "answers its `ETag`; send it back in `If-Match` with a change to have it refused "
        "(412) if someone changed the resource in between (without `If-Match` the change is "
        "accepted). Requests are limited per token: beyond the rate, 429 with `Retry-After`. "
        "Lists are read by cursor (`next`, `previous`, `page_size` up to 100)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "ValidationMethodEnum": "careplans.models.ValidationMethod",
        "PathwayEventKindEnum": "patients.models.EventKind",
        "FollowUpKindEnum": "patients.models.FollowUpKind",
    },
    # The documentation UI comes from our static files (drf-spectacular-sidecar), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery --------------------------------------------------------------------------------
# Without REDIS_URL, the broker is a folder on disk: no server needed for `make run`.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
_BROKER_DIR = VAR_DIR / "broker"
# A request that hands work to the broker never waits long for it: the connection and each
# socket operation are bounded, and a publication is retried twice within a second. With the
# broker down, the work waits in the ledger (reminders) or is done in the request (a SIC's
# invitations); tests/labparcours/test_broker_down.py.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 5}
    if REDIS_URL
    else {
        "data_folder_in": str(_BROKER_DIR),
        "data_folder_out": str(_BROKER_DIR),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
    }
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
# Beat runs once however many beat processes start (one per host, or a spare): with Redis, the
# schedule lives there (celery-redbeat) and only the beat holding its lock sends; another waits
# on the lock and takes over at most LABPARCOURS_BEAT_LOCK_SECONDS after the holder died. The
# holder extends the lock on every pass, which comes at most a fifth of that apart. A beat that
# loses Redis exits, to be restarted by its supervisor (compose: restart: unless-stopped).
# Without Redis (make run), the one beat keeps its schedule in a file.
if REDIS_URL:
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = REDIS_URL
    CELERY_REDBEAT_KEY_PREFIX = "labparcours:beat:"
    CELERY_REDBEAT_LOCK_TIMEOUT = env_int("LABPARCOURS_BEAT_LOCK_SECONDS", 150)
    CELERY_BEAT_MAX_LOOP_INTERVAL = max(1, CELERY_REDBEAT_LOCK_TIMEOUT // 5)
    CELERY_REDBEAT_REDIS_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}

# --- Security ------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie.
if env_bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxies whose X-Forwarded-For is believed: addresses or networks (CIDR),
# comma-separated. Empty, nobody's: the client is the address the connection comes from.
LABPARCOURS_TRUSTED_PROXIES = env_list("LABPARCOURS_TRUSTED_PROXIES")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Logging: never the body of a request, never a query string ------------------------------
# Errors reported to a Sentry-compatible service only when SENTRY_DSN is set, scrubbed of
# anything that could be patient data (labparcours.error_reporting).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from labparcours.error_reporting import init_error_reporting

    init_error_reporting(
        SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        release=env_str("SENTRY_RELEASE"),
    )

# An error page in DEBUG too shows no data of the request (labparcours.correlation).
DEFAULT_EXCEPTION_REPORTER = "labparcours.correlation.PrivateExceptionReporter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "strip_query": {"()": "labparcours.logging.StripQueryStringFilter"},
        "request_id": {"()": "labparcours.correlation.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["strip_query", "request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Programme rules ----------------------------------------------------------------------
LABPARCOURS_FIRST_SIC_DELAY_DAYS = env_int("LABPARCOURS_FIRST_SIC_DELAY_DAYS", 42)
LABPARCOURS_SIC_INTERVAL_MONTHS = env_int("LABPARCOURS_SIC_INTERVAL_MONTHS", 6)
LABPARCOURS_VIDEO_BASE_URL = env_str("LABPARCOURS_VIDEO_BASE_URL", "https://meet.jit.si")

# The access log (journal des accès) is kept this many days, then purged by `purge_access_log`
# (the only deleter). French guidance on access traces asks for six months at least: less is
# refused at start-up, and on PostgreSQL the table's trigger refuses younger deletions anyway.
LABPARCOURS_ACCESS_LOG_RETENTION_DAYS = env_int("LABPARCOURS_ACCESS_LOG_RETENTION_DAYS", 183)

# --- Reminders (relances) -----------------------------------------------------------------
# Delays are in days. The sweep finds what is due and records it in the ledger; workers send.
LABPARCOURS_REMINDER_SIC_DUE_DAYS = env_int("LABPARCOURS_REMINDER_SIC_DUE_DAYS", 30)
LABPARCOURS_REMINDER_OVERDUE_EVERY_DAYS = env_int("LABPARCOURS_REMINDER_OVERDUE_EVERY_DAYS", 7)
LABPARCOURS_REMINDER_CONTRIBUTION_DAYS_BEFORE = sorted(
    {int(days) for days in env_list("LABPARCOURS_REMINDER_CONTRIBUTION_DAYS_BEFORE", "7,2")},
    reverse=True,
)
LABPARCOURS_REMINDER_PLAN_PATIENT_DAYS = env_int("LABPARCOURS_REMINDER_PLAN_PATIENT_DAYS", 7)
LABPARCOURS_REMINDER_PLAN_COORDINATOR_DAYS = env_int(
    "LABPARCOURS_REMINDER_PLAN_COORDINATOR_DAYS", 14
)
LABPARCOURS_REMINDER_TEAM_INCOMPLETE_DAYS = env_int("LABPARCOURS_REMINDER_TEAM_INCOMPLETE_DAYS", 30)
# Budget: a request waiting for the coordinator for more than N days; an envelope whose money is
# committed or spent at N % or more; an approved request without any expense after N days.
LABPARCOURS_REMINDER_CARE_WAITING_DAYS = env_int("LABPARCOURS_REMINDER_CARE_WAITING_DAYS", 7)
LABPARCOURS_REMINDER_ENVELOPE_USED_PERCENT = env_int(
    "LABPARCOURS_REMINDER_ENVELOPE_USED_PERCENT", 80
)
LABPARCOURS_REMINDER_CARE_UNUSED_DAYS = env_int("LABPARCOURS_REMINDER_CARE_UNUSED_DAYS", 90)
# Rows handed to one sending task; a recipient's rows always travel together.
LABPARCOURS_REMINDER_BATCH_SIZE = env_int("LABPARCOURS_REMINDER_BATCH_SIZE", 50)
# A failed send is retried by later sweeps after 10, 20, 40… minutes, at most 5 times.
LABPARCOURS_REMINDER_MAX_ATTEMPTS = env_int("LABPARCOURS_REMINDER_MAX_ATTEMPTS", 5)
LABPARCOURS_REMINDER_RETRY_MINUTES = env_int("LABPARCOURS_REMINDER_RETRY_MINUTES", 10)
# A row claimed by a worker that died is free again after this long.
LABPARCOURS_REMINDER_CLAIM_MINUTES = env_int("LABPARCOURS_REMINDER_CLAIM_MINUTES", 15)
# When beat runs the sweep (crontab fields, Paris time) and the daily digest.
LABPARCOURS_REMINDER_SWEEP_MINUTE = env_str("LABPARCOURS_REMINDER_SWEEP_MINUTE", "5")
LABPARCOURS_REMINDER_SWEEP_HOURS = env_str("LABPARCOURS_REMINDER_SWEEP_HOURS", "8-19")
LABPARCOURS_REMINDER_DIGEST_HOUR = env_int("LABPARCOURS_REMINDER_DIGEST_HOUR", 7)
LABPARCOURS_REMINDER_DIGEST_MINUTE = env_int("LABPARCOURS_REMINDER_DIGEST_MINUTE", 30)

# The patients' experience summary (programme.experience): a count below this is shown
# « < N », a count that holds one is rounded (le secret statistique).
LABPARCOURS_SMALL_COUNT = env_int("LABPARCOURS_SMALL_COUNT", 5)

# The indicators page's figures are kept this long per reader and filter set (the page says
# when they were computed, and computes them again on demand): aggregates over the whole
# cohort, seconds to compute at national scale.
LABPARCOURS_INDICATORS_KEEP_SECONDS = env_int("LABPARCOURS_INDICATORS_KEEP_SECONDS", 600)

# Specialist opinions: a specialist outside the team reads the request until it is closed, and
# at the latest N days after its deadline; they are reminded N hours before the deadline.
LABPARCOURS_OPINION_GRANT_DAYS = env_int("LABPARCOURS_OPINION_GRANT_DAYS", 14)
LABPARCOURS_REMINDER_OPINION_HOURS_BEFORE = env_int("LABPARCOURS_REMINDER_OPINION_HOURS_BEFORE", 24)

# Budget: what is left of a patient's envelope at the end of a programme year moves into the
# next year's envelope only when this is on (the programme's choice, off by default).
LABPARCOURS_BUDGET_CARRY_OVER = env_bool("LABPARCOURS_BUDGET_CARRY_OVER", default=False)
LABPARCOURS_BUDGET_OPEN_HOUR = env_int("LABPARCOURS_BUDGET_OPEN_HOUR", 5)
# The patient and their caregiver see the prices of their supplementary care only when the
# programme chooses to show them (off: « 6 séances de diététique », without the euros).
LABPARCOURS_BUDGET_SHOW_PRICES_TO_PATIENTS = env_bool(
    "LABPARCOURS_BUDGET_SHOW_PRICES_TO_PATIENTS", default=False
)

# The evaluators' export names each patient by a keyed hash (HMAC-SHA256) of their record's id:
# the same patient gets the same pseudonym from one export to the next while the key stays.
# The key is never exported; without it (production) the export is refused (programme.W001).
LABPARCOURS_PSEUDONYM_KEY = env_str(
    "LABPARCOURS_PSEUDONYM_KEY", "demo-pseudonym-key-not-a-secret" if DEBUG else ""
)

# Indemnities: the programme's own account, which the SEPA transfer files of payment batches
# debit. Under DEBUG (make run, the demo) a fictitious account stands in for it.
LABPARCOURS_SEPA_DEBTOR_NAME = env_str("LABPARCOURS_SEPA_DEBTOR_NAME", "Lab Parcours")
LABPARCOURS_SEPA_DEBTOR_IBAN = env_str(
    "LABPARCOURS_SEPA_DEBTOR_IBAN", "FR7630006000011234567890189" if DEBUG else ""
)
LABPARCOURS_SEPA_DEBTOR_BIC = env_str("LABPARCOURS_SEPA_DEBTOR_BIC", "AGRIFRPP" if DEBUG else "")

CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "budget-open-envelopes": {
        "task": "budget.tasks.open_due_envelopes",
        "schedule": crontab(minute=10, hour=LABPARCOURS_BUDGET_OPEN_HOUR),
        "options": {"expires": 12 * 3600},
    },
    # Before the envelopes open (minute 10): what the ended year still held is released
    # first, so that a carry-over moves it.
    "budget-expire-requests": {
        "task": "budget.tasks.expire_past_requests",
        "schedule": crontab(minute=5, hour=LABPARCOURS_BUDGET_OPEN_HOUR),
        "options": {"expires": 12 * 3600},
    },
    # At night, when nobody reads: the access log past its retention leaves the table.
    "access-log-purge": {
        "task": "labparcours.tasks.purge_access_log",
        "schedule": crontab(minute=40, hour=3),
        "options": {"expires": 12 * 3600},
    },
    "reminders-sweep": {
        "task": "reminders.tasks.sweep_reminders",
        "schedule": crontab(
            minute=LABPARCOURS_REMINDER_SWEEP_MINUTE, hour=LABPARCOURS_REMINDER_SWEEP_HOURS
        ),
        # A sweep left in the queue while no worker ran is dropped: the next one does its job.
        "options": {"expires": 50 * 60},
    },
    # Each hour, the indicators' default view computed ahead (kept until the next run).
    "indicators-warm": {
        "task": "programme.tasks.warm_indicators",
        "schedule": crontab(minute=3),
        "options": {"expires": 30 * 60},
    },
    "reminders-digest": {
        "task": "reminders.tasks.queue_reminder_digests",
        "schedule": crontab(
            minute=LABPARCOURS_REMINDER_DIGEST_MINUTE, hour=LABPARCOURS_REMINDER_DIGEST_HOUR
        ),
        "options": {"expires": 6 * 3600},
    },
}
