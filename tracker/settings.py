"""Settings for Status Tracker.

Everything that differs between a laptop and production comes from the environment (or an optional
`.env` file beside manage.py); every variable is listed in `.env.example` and the README. The defaults
let a fresh checkout run with no setup: SQLite in `data/tasks.db`, Redis optional.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

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
    "rest_framework.authtoken",
    "django_rq",
    "tasks",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default="sqlite:///data/tasks.db")}
_db = DATABASES["default"]
_db.setdefault("TEST", {})
if _db["ENGINE"] == "django.db.backends.sqlite3":
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
    _db.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    _db.setdefault("CONN_HEALTH_CHECKS", True)
    # One test database per test process, so parallel runs on one server do not collide.
    _db["TEST"].setdefault("NAME", f"test_{_db['NAME']}_{os.getpid()}")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis and RQ -------------------------------------------------------------------------------
# REDIS_HOST is the original's variable; REDIS_URL wins when both are set.
_redis_host = env.str("REDIS_HOST", default="localhost")
REDIS_URL = env.str("REDIS_URL", default=f"redis://{_redis_host}:6379/0")

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
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Compressed files with hashed names, cached forever by browsers.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# --- Auth ---------------------------------------------------------------------------------------
LOGIN_URL = "/admin/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Request limits -----------------------------------------------------------------------------
# Bodies over 1 MiB are refused (413) before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# --- Logging ------------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "formatter": "line"},
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
    },
}
