"""Settings for Status Tracker.

Everything that differs between a laptop and production comes from the environment (or an optional
`.env` file beside manage.py); every variable is listed in `.env.example` and the README. The defaults
let a fresh checkout run with no setup: SQLite in `data/tasks.db`, Redis optional.
"""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from tracker.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    # Real environment variables win over the file.
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE_WORDS = {"1", "true", "yes", "on"}
_FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean strictly: a typo such as DEBUG=ture fails loudly instead of meaning False."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set it in the environment or in .env "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# Domain the compose file routes through Traefik; also trusted for CSRF over HTTPS.
HOST_NAME = env.str("HOST_NAME", default="")
if HOST_NAME and HOST_NAME not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(HOST_NAME)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
if HOST_NAME:
    CSRF_TRUSTED_ORIGINS.append(f"https://{HOST_NAME}")

# The original's static bearer token for scripts. Empty disables it; it never opens the API.
API_AUTH_TOKEN = env.str("API_AUTH_TOKEN", default="")
# Reads are public by default, as in the original.
PUBLIC_READ = env_bool("PUBLIC_READ", True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    # API tokens, hashed (accounts.ApiToken, KNOX_TOKEN_MODEL below).
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_rq",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp",
    "axes",
    # The product, one room each (README "Where things live").
    "boards",
    "tasks",
    "notifications",
    "board",
    "reminders",
    "accounts",
    "operations",
    # Idempotency-Key on API writes (idempotency.api), HTTP infrastructure any API view uses.
    "idempotency",
]

# In order, outermost first.
MIDDLEWARE = [
    # First, so every later line of the request (and an early 503) logs with its id.
    "tracker.middleware.request_id.RequestIdMiddleware",
    # Security headers and the HTTPS redirect, on every response including the early refusals below.
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response, the early refusals below included (django-csp;
    # tracker.middleware.csp adds what third-party pages need).
    "tracker.middleware.csp.ContentSecurityPolicyMiddleware",
    # Static files answered before sessions or the database are touched.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The admin's times in the person's zone (accounts.time_zones).
    "accounts.time_zones.TimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Views that need Redis (the RQ dashboard) answer 503 while it is down, not 500.
    "tracker.middleware.unavailable.RedisUnavailableMiddleware",
    # django-axes: turns a locked-out login into its 429 (accounts.lockout); after authentication.
    "axes.middleware.AxesMiddleware",
    # Innermost, so it sees a database error raised by any view or middleware above as a 503.
    "tracker.middleware.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"
ASGI_APPLICATION = "tracker.asgi.application"

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
                "accounts.time_zones.time_zone_context",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default="sqlite:///data/tasks.db")}
_db = DATABASES["default"]
_db.setdefault("TEST", {})
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend plus connection reuse across request threads (see its docstring).
    _db["ENGINE"] = "tracker.db.sqlite3"
    if _db["NAME"] != ":memory:" and not Path(_db["NAME"]).is_absolute():
        # sqlite:///data/tasks.db is relative to the project, not to the current directory.
        _db["NAME"] = str(BASE_DIR / _db["NAME"])
    Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # A web server and the reminder worker write at the same time: WAL lets readers run beside the
    # writer, IMMEDIATE takes the write lock at BEGIN (so no deadlocked upgrade from a read lock), and
    # the busy timeout makes a second writer wait instead of failing with "database is locked".
    _db.setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # Tests use a file (WAL and multi-process tests need one), one per test process.
    _db["TEST"].setdefault("NAME", str(BASE_DIR / "data" / f"test_tasks_{os.getpid()}.db"))
else:
    # Threads come and go (one per event stream under Django's ASGI handler, one per request under
    # runserver), so persistent per-thread connections (CONN_MAX_AGE > 0) would pile up; a
    # per-process pool (psycopg_pool) reuses them instead, shared by tracker.serving's threads.
    # With CONN_HEALTH_CHECKS the pool checks a connection before lending it (without a round
    # trip: tracker.db.postgresql), so connections broken by a PostgreSQL restart are replaced
    # instead of failing a request.
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _db["ENGINE"] = "tracker.db.postgresql"
    _db["CONN_MAX_AGE"] = 0
    _db["CONN_HEALTH_CHECKS"] = True
    _db.setdefault("OPTIONS", {}).setdefault(
        "pool",
        {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
            # How long a request waits for a connection before failing (503 on /healthz).
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=5.0),
        },
    )
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        # Under write load PostgreSQL spent 43% of its time planning the same few queries again
        # (the task JSON's plan cost more than running it). Server-side binding lets psycopg
        # prepare a query on its second run on a connection and reuse the plan; PgBouncer in
        # transaction mode cannot keep prepared statements, so there set this to false.
        _db["OPTIONS"].setdefault("server_side_binding", True)
        _db["OPTIONS"].setdefault("prepare_threshold", 2)
    # One test database per test process, so parallel runs on one server do not collide.
    _db["TEST"].setdefault("NAME", f"test_{_db['NAME']}_{os.getpid()}")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis and RQ -------------------------------------------------------------------------------
# REDIS_HOST is the original's variable; REDIS_URL wins when both are set.
_redis_host = env.str("REDIS_HOST", default="localhost")
REDIS_URL = env.str("REDIS_URL", default=f"redis://{_redis_host}:6379/0")

# Every Redis key and channel starts with this (tracker.redis_client), so installations sharing a
# Redis keep apart: pub/sub ignores the database number, so even /0 and /1 would hear each other's
# events. The default is derived from the database, which every process of one installation (web,
# reminder loop, RQ workers) shares and two installations never do.
_database_identity = (
    _db["NAME"]
    if _db["ENGINE"] == "tracker.db.sqlite3"
    else f"{_db.get('HOST') or 'localhost'}:{_db.get('PORT') or 5432}/{_db['NAME']}"
)
REDIS_KEY_PREFIX = env.str(
    "REDIS_KEY_PREFIX",
    default=f"status-tracker:{hashlib.sha256(str(_database_identity).encode()).hexdigest()[:12]}:",
)

RQ_QUEUES = {
    "default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300},
}

# --- Internationalisation and time ----------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic writes and whitenoise serves from (tests collect into a temporary folder).
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Compressed files with hashed names, cached forever by browsers.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# --- Auth ---------------------------------------------------------------------------------------
# Django's own login pages at /accounts/ (accounts.urls); the board links to them.
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Request limits -----------------------------------------------------------------------------
# Bodies over 1 MiB are refused (413): under ASGI before they are read (tracker.middleware.body_limit,
# wrapped round the app in tracker.asgi), and by the API when it reads one (tracker.api.exceptions).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# --- Logging ------------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# One JSON object per line on stdout, with the request id (tracker.logs).
LOGGING = logging_config(LOG_LEVEL)

# --- Archive ------------------------------------------------------------------------------------
# A deleted task stays archived (restorable) this many days, then the reminder loop's pass or
# `manage.py purge_archived` deletes it for good (tasks.services.archived_tasks_purge); 0 keeps
# archived tasks forever.
ARCHIVE_RETENTION_DAYS = env.int("ARCHIVE_RETENTION_DAYS", default=30)
if ARCHIVE_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("ARCHIVE_RETENTION_DAYS must be 0 (keep forever) or more days.")

# --- Reminders and RQ ---------------------------------------------------------------------------
# The reminder sweep (reminders.sweep): run by `manage.py run_reminders`, or by RQ workers with one
# `manage.py rqcron reminders.cron` enqueuing the job every REMINDERS_CRON_SECONDS on REMINDERS_QUEUE.
REMINDERS_QUEUE = env.str("REMINDERS_QUEUE", default="default")
REMINDERS_CRON_SECONDS = env.int("REMINDERS_CRON_SECONDS", default=5)
RQ_QUEUES.setdefault(REMINDERS_QUEUE, {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300})
# "auto": enqueue() sends the job at once. django-rq 4's default, on_db_commit, defers an enqueue
# made inside a transaction until it commits, and a test's transaction never commits, so the job
# would never run. Nothing here enqueues work that depends on uncommitted rows: the sweep reads only
# committed due tasks, so sending at once is correct as well as testable.
RQ = {"COMMIT_MODE": "auto"}

# --- Delivery (notifications.channels, .outbox, .dispatch; README "Delivery") ------------------
# Mail for email channels and password resets, one URL (django-environ): smtp://user:password@host:587,
# smtp+tls://..., consolemail:// (printed on the console: the default, as run.sh runs it).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
for _key in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"):
    if _email.get(_key) not in (None, ""):
        globals()[_key] = _email[_key]
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="status-tracker@localhost")
# Webhook and Apprise targets on loopback, link-local or private addresses are refused (no request
# forgery through a webhook URL) unless this is true.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
# Where people reach the site: links in mail and push notifications (the task, "I'm on it").
SITE_URL = env.str(
    "SITE_URL", default=f"https://{HOST_NAME}" if HOST_NAME else "http://127.0.0.1:8000"
).rstrip("/")
# Web push: the VAPID key pair is made on first use and kept in the database (notifications.VapidKey);
# VAPID_PRIVATE_KEY (base64url, raw or DER) replaces it. The subject tells push services who to contact.
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="")
VAPID_SUBJECT = env.str("VAPID_SUBJECT", default=f"mailto:{DEFAULT_FROM_EMAIL}")
# One attempt's time limit; a worker's claim on a delivery (a killed worker's is retried after it).
DELIVERY_TIMEOUT_SECONDS = env.float("DELIVERY_TIMEOUT_SECONDS", default=10.0)
DELIVERY_LEASE_SECONDS = env.float("DELIVERY_LEASE_SECONDS", default=60.0)
# Attempts per delivery before it gives up; retries wait BASE * 2^(n-1) seconds (at most MAX), with jitter.
DELIVERY_MAX_ATTEMPTS = env.int("DELIVERY_MAX_ATTEMPTS", default=6)
DELIVERY_RETRY_BASE_SECONDS = env.float("DELIVERY_RETRY_BASE_SECONDS", default=30.0)
DELIVERY_RETRY_MAX_SECONDS = env.float("DELIVERY_RETRY_MAX_SECONDS", default=3600.0)
# Failed attempts in a row that switch a channel off (its owner gets an in-app notice).
CHANNEL_DISABLE_AFTER_FAILURES = env.int("CHANNEL_DISABLE_AFTER_FAILURES", default=10)
# Threads of `run_reminders` that send deliveries, each on its own (a hanging receiver holds one).
DELIVERY_WORKER_THREADS = env.int("DELIVERY_WORKER_THREADS", default=4)
# The RQ queue of the delivery job rqcron enqueues (reminders.cron): a separate one, with workers of
# its own, keeps slow receivers away from the reminder pass.
DELIVERY_QUEUE = env.str("DELIVERY_QUEUE", default=REMINDERS_QUEUE)
RQ_QUEUES.setdefault(DELIVERY_QUEUE, {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300})

# --- Health -----------------------------------------------------------------------------------
# Parts of /healthz that apps report, by name: dotted paths to functions returning JSON-ready data
# (tracker.health loads them, so tracker never imports an app). Informative: none turns health 503.
HEALTH_REPORTS = {
    # When the last reminder pass ran, from any process (run_reminders or the RQ job).
    "reminders": "reminders.sweep.last_pass",
    # How many tasks are stalled (no heartbeat within interval + grace) and failed right now.
    "heartbeats": "tasks.heartbeats.health_report",
}

# --- API ---------------------------------------------------------------------------------------
# Django REST framework (tasks.api, notifications.api) with the shared plumbing in tracker.api.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.StaticTokenAuthentication",
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tracker.api.permissions.PublicReadAuthenticatedWrite"],
    # JSON only: any other body is a 415, as the README promises (the original took JSON alone). The
    # browsable API still writes, through its "Raw data" form, which sends JSON; it shows no HTML form.
    "DEFAULT_PARSER_CLASSES": ["tracker.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "tracker.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "tracker.api.schema.TrackerAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# API tokens of people and bots (django-rest-knox, accounts.authentication): stored as a SHA-512
# digest, found by their first characters. Each token's own expiry is set when it is made
# (accounts.services.token_create), so knox's default time to live is off.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
REST_KNOX = {"TOKEN_TTL": None, "AUTH_HEADER_PREFIX": "Bearer"}
# knox's own migrations would create its default token table even though accounts.ApiToken replaces
# it (they do not mark the model swappable): with none, no unused table is made.
MIGRATION_MODULES = {"knox": None}
SPECTACULAR_SETTINGS = {
    "TITLE": "Status Tracker API",
    "DESCRIPTION": (
        "Tasks and notifications for people and scripts. Reads are public unless PUBLIC_READ is "
        "false; writes need `Authorization: Bearer <token>` (the server's API_AUTH_TOKEN, or a "
        "person's or a bot's own token) or a logged-in session with a CSRF token. Every path works with and "
        "without its trailing slash."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from our own static files, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The system's fonts: ReDoc's own (Montserrat, Roboto) would come from Google Fonts
    # (templates/drf_spectacular/redoc.html drops that link).
    "REDOC_UI_SETTINGS": {
        "theme": {
            "typography": {
                "fontFamily": "system-ui, -apple-system, 'Segoe UI', sans-serif",
                "headings": {"fontFamily": "system-ui, -apple-system, 'Segoe UI', sans-serif"},
            }
        }
    },
    "COMPONENT_SPLIT_REQUEST": True,
    # Two sets of choices share the field name "role": a member's (any role) and a bot's.
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "boards.models.Role.values",
        "BotRoleEnum": "accounts.services.BOT_ROLE_VALUES",
        # Three kinds of "status": a task's, a todo's (same values, other labels), a phase's.
        "TaskStatusEnum": "tasks.models.TaskStatus.choices",
        "TodoStatusEnum": "tasks.models.TodoStatus.choices",
        "PhaseStatusEnum": "tasks.models.PhaseStatus.choices",
        "ChannelKindEnum": "notifications.models.ChannelKind.choices",
        # Two kinds of "events": a channel's notification types, a board webhook's events.
        "NotificationTypeEnum": "notifications.models.NotificationType.values",
        "BoardWebhookEventEnum": "notifications.models.BoardWebhookEvent.values",
        "DeliveryStatusEnum": "notifications.models.DeliveryStatus.choices",
    },
}

# --- Content-Security-Policy --------------------------------------------------------------------
# Site-wide (django-csp's CSPMiddleware): nothing from another host, no inline script, no inline
# style. The board, its fragments, the login and password pages and every API answer get this.
# Pages that need more get it per view (Swagger UI and ReDoc: tracker.api.urls) or, for third-party
# pages no decorator reaches (DRF's browsable API, django-rq's dashboard), tracker.middleware.csp.
# Django's admin needs nothing more.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Production hardening -----------------------------------------------------------------------
# HTTPS=true when people reach the site over HTTPS, normally through a proxy that terminates TLS
# (Traefik in docker-compose.yml). It switches on the redirect to HTTPS, HSTS and HTTPS-only cookies;
# each can be set on its own. `manage.py check --deploy` with .env.example's values is clean
# (tracker/tests/test_deploy.py).
HTTPS = env_bool("HTTPS", False)
if SECRET_KEY.startswith("change-me") and not DEBUG:
    raise ImproperlyConfigured("SECRET_KEY is still the placeholder from .env.example.")
# Believe the proxy's X-Forwarded-Proto about the original scheme. Only behind a proxy that sets it
# and drops the client's own (Traefik does): anywhere else a client could claim to be on HTTPS.
if env_bool("TRUST_X_FORWARDED_PROTO", HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
# Docker's HEALTHCHECK and load balancers probe the container over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Browsers remember "HTTPS only" for this long; start lower (e.g. 3600) while trying HTTPS out.
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
# Consent to browsers' preload lists; nothing is listed until the domain is submitted to one.
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)

# --- Throttling ---------------------------------------------------------------------------------
# API writes per person (per address for the static token), tracker.throttling. Over the limit: 429
# with Retry-After. Rates are "<count>/<second|minute|hour|day>" over a sliding window; empty turns
# the limit off. The rate is far above what a person on the board or a script does. Counts are kept
# in Redis so every worker process and container shares them (local memory would give each gunicorn
# worker its own count, the database cache would add a write to every request); while Redis is down
# each process counts in its own memory (tracker.throttling.FailoverCounts): limits stay, nothing
# fails or waits.
THROTTLE_RATES = {
    "write": env.str("THROTTLE_WRITE_RATE", default="600/minute") or None,
}
THROTTLE_KEY_PREFIX = env.str("THROTTLE_KEY_PREFIX", default=REDIS_KEY_PREFIX)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Failed logins (django-axes): after LOGIN_FAILURE_LIMIT failures for one username, or from one
# address, logins for it are refused with a 429 for LOGIN_LOCKOUT_MINUTES, on every login page
# (/accounts/login/, /admin/login/, /api-auth/login/: all go through django.contrib.auth). Only
# failures count, so an office behind one address is not locked out by its people logging in; a
# success clears that username's failures. Attempts are rows in the database (axes' default handler),
# shared by every process and kept while Redis is down.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
# Successful logins and logouts are not recorded (a row per login, never cleaned up).
AXES_DISABLE_ACCESS_LOG = True
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's, except that bots never log in to pages (they use their tokens).
    "accounts.backends.PeopleBackend",
]
# Proxies in front of the app that append to X-Forwarded-For (1 behind Traefik). The client address
# is taken that many entries from the right; 0 ignores the header, which a client could forge.
REST_FRAMEWORK["NUM_PROXIES"] = env.int("NUM_PROXIES", default=0)
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["tracker.throttling.WriteRateThrottle"]
