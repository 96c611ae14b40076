"""Event Scheduler settings.

Every value that differs between machines comes from the environment (django-environ);
`.env.example` documents each variable. A `.env` file beside `manage.py` is read when
present, real environment variables win over it.
"""

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured

# Lets generic Django classes be subscripted at runtime (ModelAdmin[Event], …) for mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -------------------------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# Placeholders that must never sign cookies in production.
# The development key is refused whenever DEBUG is off.
_DEV_SECRET_KEY = "django-insecure-dev-only-key-do-not-use-in-production"  # noqa: S105
_PLACEHOLDER_SECRET_KEYS = {"", "change-me", _DEV_SECRET_KEY}

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = _DEV_SECRET_KEY
if not DEBUG and (
    SECRET_KEY in _PLACEHOLDER_SECRET_KEYS or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a real secret key when DJANGO_DEBUG is off "
        "(for local development set DJANGO_DEBUG=true)."
    )

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [],
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core.admin_site.SchedulerAdminConfig",  # django.contrib.admin with a "System" section
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_extensions",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "core",
    "employees",
    "events",
    "scheduler",
    "sessions_ext",
    # Above the scheduler: integrations and tools (they register with the apps below).
    "planning",
    "demo",
    "paperwork",
    "attendance",
    "selfservice",
]

MIDDLEWARE = [
    "core.middleware.RequestIDMiddleware",
    "core.middleware.RequestLimitsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sessions_ext.middleware.SessionSecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.NoStoreForSignedInAPIMiddleware",
    # Employee accounts reach only the views marked for them (core.roles).
    "core.employee_access.EmployeeAccessMiddleware",
    "core.middleware.PageMessageMiddleware",  # messages, for pages only
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "core.middleware.ApplicationErrorMiddleware",
    # Last: turns a locked-out sign-in into a 429 (sessions_ext.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "core.urls"
WSGI_APPLICATION = "core.wsgi.application"
ASGI_APPLICATION = "core.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
# No DATABASE_URL: an embedded SQLite file, the zero-set-up default.
# With one (postgres://user@host:5432/name): PostgreSQL through psycopg 3.

DATABASES = {
    "default": environ.Env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock
        # when a transaction starts, so two writers queue instead of failing halfway.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, reading timestamps in C (core/db/postgresql/base.py).
        DATABASES["default"]["ENGINE"] = "core.db.postgresql"
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First: refuses sign-in while a username or IP is locked out.
    "axes.backends.AxesStandaloneBackend",
    # Django's, loading users with their employee link (the employee role costs no query).
    "core.auth_backends.PasswordBackend",
]
# Former dotted paths of these backends → the current ones. Django stores the path in
# each session and signs out a session whose path is no longer listed above; a session
# signed in under a former path is moved to the current one instead (sessions_ext).
AUTHENTICATION_BACKEND_RENAMES = {
    "django.contrib.auth.backends.ModelBackend": "core.auth_backends.PasswordBackend",
}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# --- Sessions (sessions_ext: rows in the database, README, Errors and Sign-in) --------------------

SESSION_ENGINE = "sessions_ext.backend"
# Signed out after this many seconds without a request ...
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
# ... and this many seconds after signing in, however active.
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
# last_activity (and the expiry) are written at most once per this many seconds.
SESSION_ACTIVITY_INTERVAL = env.int("SESSION_ACTIVITY_INTERVAL", default=60)
# A user keeps at most this many sessions: signing in once more ends the oldest.
SESSION_MAX_PER_USER = env.int("SESSION_MAX_PER_USER", default=10)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_SAVE_EVERY_REQUEST = False
# How many reverse proxies in front of the app append to X-Forwarded-For. 0: the header
# is ignored and REMOTE_ADDR is the client (anyone can send X-Forwarded-For).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Brute-force protection on sign-in and on every password re-check (django-axes; state
# in the database, so it holds across worker processes). Within the cool-off window,
# LOGIN_FAILURE_LIMIT failures for one username from one IP, or LOGIN_FAILURE_CEILING
# for one username from all IPs together or from one IP over all usernames, lock that
# key: attempts get 429 with Retry-After until it passes (sessions_ext.lockout).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_CEILING = env.int("LOGIN_FAILURE_CEILING", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
# Order matters: sessions_ext.lockout.LockoutHandler gives each key its own limit.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_HANDLER = "sessions_ext.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sessions_ext.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "sessions_ext.client.client_ip"
AXES_VERBOSE = False

# --- Internationalisation and time ------------------------------------------------------
# Datetimes are stored in UTC; day boundaries and slot times are in the store's zone.

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("STORE_TIME_ZONE", default="America/Indiana/Indianapolis")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security (production defaults follow DJANGO_DEBUG; each can be overridden) ---------

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False)
    else None
)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The __Host- prefix makes browsers refuse the cookie unless Secure, host-only, Path=/.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp) on every response: scripts, styles, images, fonts
# and requests from this origin only. No template has an inline script, style element
# or style attribute (JavaScript and CSS live in static/; the API docs load their set-up
# script from /api/docs/?script), so no 'unsafe-inline' is needed. Images may also be
# data: URIs (the Swagger UI's icons). No frames, plugins or foreign form targets.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}

# --- Logging ----------------------------------------------------------------------------

# Readable lines in development, one JSON object per line in production. Every record
# carries request_id and error_id (core.logging.RequestContextFilter) and its time in
# UTC with the offset (core.log_format; gunicorn_conf.py does the same for gunicorn).

LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "core.logging.RequestContextFilter"},
        "quiet_refusal": {"()": "core.logging.QuietRefusalFilter"},
    },
    "formatters": {
        "plain": {
            "()": "core.log_format.UTCFormatter",
            "format": "{asctime} {levelname} {name} [{request_id}] {message}",
            "style": "{",
        },
        "json": {
            "()": "core.log_format.UTCJsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(error_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Drop Django's default handlers (console in DEBUG, mail_admins): its records
        # reach the root handler once, like everybody else's.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.db.backends": {"level": "INFO"},
        # Requests refused as suspicious: one WARNING line each, without a traceback.
        **{
            f"django.security.{name}": {"filters": ["quiet_refusal"]}
            for name in (
                "DisallowedHost",
                "RequestDataTooBig",
                "TooManyFieldsSent",
                "TooManyFilesSent",
            )
        },
    },
}

# --- Django REST framework --------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Scripts: "Authorization: Token <key>" (hashed, expiring tokens; the first
        # class also names the 401 challenge). Browsers: the session cookie.
        "core.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.roles.IsManagerOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.StandardPagination",
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.negotiation.ContentNegotiation",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# API tokens for scripts (`manage.py create_api_token`): stored hashed, expire.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=90)),
    "AUTO_REFRESH": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Event Scheduler API",
    "DESCRIPTION": (
        "Read employees, events and schedules; validate and make assignments. Errors are "
        "RFC 9457 problem details (application/problem+json)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AttendanceStatusEnum": "attendance.models.AttendanceStatus",
        "TimeOffRequestStatusEnum": "selfservice.models.RequestStatus",
    },
}

# --- Background tasks (Django's tasks API through the django-tasks backport) -------------
# The immediate backend runs a task inside the request that enqueues it, so the embedded
# set-up needs no worker. Production uses the database backend and runs
# `python manage.py db_worker` (README, "Operations").

TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": ["default"],
    }
}

# --- Caches ------------------------------------------------------------------------------
# Per-process memory only. `api_pages` keeps rendered API list pages keyed by the data
# version (core/page_cache.py), so an entry can never be served after a write.
API_PAGE_CACHE_SECONDS = env.int("API_PAGE_CACHE_SECONDS", default=300)
API_PAGE_CACHE_ENTRIES = env.int("API_PAGE_CACHE_ENTRIES", default=500)
# The day page's schedules, warnings and people, kept the same way (`page_fragments`).
DAY_PAGE_CACHE_SECONDS = env.int("DAY_PAGE_CACHE_SECONDS", default=300)

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "api_pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "api-pages",
        "OPTIONS": {"MAX_ENTRIES": API_PAGE_CACHE_ENTRIES},
    },
    "page_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "page-fragments",
        "OPTIONS": {"MAX_ENTRIES": 200},
    },
}

# Requests with a larger body are refused (413 problem) before any view reads them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

# --- Optional features (core/features.py): each off unless its *_ENABLED is true --------
# Their variables are checked when the feature is used and by `manage.py check`.

SYNC_ENABLED = env.bool("SYNC_ENABLED", default=False)
SYNC_BASE_URL = env.str("SYNC_BASE_URL", default="")
SYNC_USERNAME = env.str("SYNC_USERNAME", default="")
SYNC_PASSWORD = env.str("SYNC_PASSWORD", default="")
# Planning-system sync tuning (issue 9): per-call timeout, the default interval of a sync
# (days before / after today), and how often the push outbox retries before giving up.
SYNC_TIMEOUT_SECONDS = env.float("SYNC_TIMEOUT_SECONDS", default=15.0)
SYNC_RETRY_ATTEMPTS = env.int("SYNC_RETRY_ATTEMPTS", default=4)
SYNC_RETRY_BASE_SECONDS = env.float("SYNC_RETRY_BASE_SECONDS", default=0.5)
SYNC_DAYS_BACK = env.int("SYNC_DAYS_BACK", default=7)
SYNC_DAYS_AHEAD = env.int("SYNC_DAYS_AHEAD", default=35)
SYNC_PUSH_MAX_ATTEMPTS = env.int("SYNC_PUSH_MAX_ATTEMPTS", default=8)
# CSV import (planning page, works with sync off): minutes a preview waits for its
# confirmation; after that `cleanup_sessions` deletes it with its stored file.
CSV_IMPORT_PREVIEW_MINUTES = env.int("CSV_IMPORT_PREVIEW_MINUTES", default=60)

EDR_ENABLED = env.bool("EDR_ENABLED", default=False)
# The retailer's portal (paperwork/portal.py): its sign-in service and the Event
# Management site, the account and the id of its SMS credential. Never logged.
EDR_LOGIN_URL = env.str("EDR_LOGIN_URL", default="")
EDR_PORTAL_URL = env.str("EDR_PORTAL_URL", default="")
EDR_USERNAME = env.str("EDR_USERNAME", default="")
EDR_PASSWORD = env.str("EDR_PASSWORD", default="")
EDR_MFA_CREDENTIAL_ID = env.str("EDR_MFA_CREDENTIAL_ID", default="")
EDR_TIMEOUT_SECONDS = env.float("EDR_TIMEOUT_SECONDS", default=20.0)
EDR_RETRY_ATTEMPTS = env.int("EDR_RETRY_ATTEMPTS", default=4)
EDR_RETRY_BASE_SECONDS = env.float("EDR_RETRY_BASE_SECONDS", default=1.0)
# A cached report older than this is shown and printed as stale, with its age.
EDR_REPORT_MAX_AGE_HOURS = env.float("EDR_REPORT_MAX_AGE_HOURS", default=24.0)
# How long a portal session is kept when the portal's token cookie names no expiry.
EDR_SESSION_HOURS = env.float("EDR_SESSION_HOURS", default=12.0)
# Key material for encrypting stored portal sessions; empty: derived from SECRET_KEY.
EDR_SESSION_SECRET = env.str("EDR_SESSION_SECRET", default="")

# The day's paperwork (paperwork/): uploaded forms, sales-tool PDFs, built packets.
PAPERWORK_FORM_MAX_BYTES = env.int("PAPERWORK_FORM_MAX_BYTES", default=5 * 1024 * 1024)
PAPERWORK_SALES_TOOL_TIMEOUT_SECONDS = env.float(
    "PAPERWORK_SALES_TOOL_TIMEOUT_SECONDS", default=15.0
)
PAPERWORK_SALES_TOOL_MAX_BYTES = env.int("PAPERWORK_SALES_TOOL_MAX_BYTES", default=20 * 1024 * 1024)
# Calls to the portal and the sales-tool server made at once while building a packet.
PAPERWORK_FETCH_WORKERS = env.int("PAPERWORK_FETCH_WORKERS", default=6)
PAPERWORK_PACKET_KEEP_HOURS = env.float("PAPERWORK_PACKET_KEEP_HOURS", default=24.0)

AUTO_SCHEDULER_ENABLED = env.bool("AUTO_SCHEDULER_ENABLED", default=False)
# Auto-scheduler (docs/rules.md): nothing is proposed before today + buffer days; a run covers
# this many days by default; without required approval a run applies its own proposals.
AUTO_SCHEDULER_BUFFER_DAYS = env.int("AUTO_SCHEDULER_BUFFER_DAYS", default=3)
AUTO_SCHEDULER_HORIZON_DAYS = env.int("AUTO_SCHEDULER_HORIZON_DAYS", default=21)
AUTO_SCHEDULER_REQUIRE_APPROVAL = env.bool("AUTO_SCHEDULER_REQUIRE_APPROVAL", default=True)
# Seconds from the start of a run by which the optimizer (CP-SAT) stops; it also stops after
# 0.5 x this of CP-SAT's deterministic time (the same plan on every machine). The greedy
# plan computed beside it always completes (bounded by counting its work, not by the
# clock), so a run ends later only when that plan does (README, "Auto-scheduler").
AUTO_SCHEDULER_TIME_LIMIT = env.float("AUTO_SCHEDULER_TIME_LIMIT", default=10.0)

CALENDAR_FEEDS_ENABLED = env.bool("CALENDAR_FEEDS_ENABLED", default=False)
CALENDAR_FEEDS_SECRET = env.str("CALENDAR_FEEDS_SECRET", default="")

# --- Employees' self-service: links in emails, email delivery, notices -------------------

# The address the site is reached at, for links in emails (set-password, notices).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Email: SMTP from these settings; the console backend (prints) while DEBUG is on.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=15)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Event Scheduler <scheduler@localhost>")
# Hours a set-password link (a password-reset token) stays valid.
PASSWORD_RESET_TIMEOUT = env.int("SET_PASSWORD_LINK_HOURS", default=72) * 3600
# Sends of one notice before the notification outbox marks it failed.
NOTICES_MAX_ATTEMPTS = env.int("NOTICES_MAX_ATTEMPTS", default=8)

# --- Scheduling (docs/rules.md: slot times, durations and the supervisor offset) --------------

SCHEDULING = {
    # Core events start in one of these store-local slots.
    "CORE_SLOTS": env.list("SCHEDULING_CORE_SLOTS", default=["10:45", "11:15", "11:45", "12:15"]),
    # A Supervisor event starts this many minutes after its Core event.
    "SUPERVISOR_OFFSET_MINUTES": env.int("SCHEDULING_SUPERVISOR_OFFSET_MINUTES", default=120),
    # Default duration in minutes per event type, used when an event has no estimate.
    "DEFAULT_MINUTES": {
        "core": 390,
        "supervisor": 5,
        "juicer_production": 540,
        "juicer_survey": 30,
        "freeosk": 30,
        "digital_setup": 30,
        "digital_refresh": 30,
        "digital_teardown": 30,
        "digitals": 30,
        "other": 60,
    },
    # Default store-local start time per event type.
    "DEFAULT_START": {
        "core": "10:45",
        "supervisor": "12:45",
        "juicer_production": "09:00",
        "juicer_survey": "17:00",
        "freeosk": "10:00",
        "digital_setup": "10:15",
        "digital_refresh": "10:15",
        "digital_teardown": "18:00",
        "digitals": "10:15",
        "other": "11:00",
    },
}
