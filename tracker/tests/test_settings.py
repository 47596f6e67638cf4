"""Settings are read from a clean environment in a subprocess, as a fresh checkout would."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tasks.models import Task

BASE_DIR = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = (
    "import json, django; from django.conf import settings as s; django.setup(); "
    "print(json.dumps({'db': s.DATABASES['default']['NAME'], 'engine': s.DATABASES['default']['ENGINE'], "
    "'debug': s.DEBUG, 'redis': s.REDIS_URL, 'hosts': s.ALLOWED_HOSTS, 'token': s.API_AUTH_TOKEN, "
    "'public_read': s.PUBLIC_READ, 'tz': s.USE_TZ, "
    "'storage': s.STORAGES['staticfiles']['BACKEND']}))"
)


def read_settings(script: str = PRINT_SETTINGS, **env: str) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "tracker.settings", **env}
    # Run from elsewhere: the SQLite default must not depend on the current directory.
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd="/",
        env={**clean, "PYTHONPATH": str(BASE_DIR)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_defaults_need_only_a_secret_key():
    result = read_settings(SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "tracker.db.sqlite3"  # Django's SQLite with connection reuse
    assert values["db"] == str(BASE_DIR / "data" / "tasks.db")
    assert values["debug"] is False
    assert values["redis"] == "redis://localhost:6379/0"
    assert values["token"] == ""
    assert values["public_read"] is True
    assert values["tz"] is True
    assert values["hosts"] == ["localhost", "127.0.0.1", "[::1]"]
    assert values["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_secret_key_is_required_unless_debug():
    assert "SECRET_KEY is required" in read_settings().stderr
    assert read_settings(DEBUG="true").returncode == 0


def test_a_misspelt_boolean_fails_loudly():
    result = read_settings(SECRET_KEY="x" * 50, DEBUG="ture")
    assert "DEBUG must be true or false" in result.stderr


def test_redis_host_from_the_original_is_honoured_and_redis_url_wins():
    by_host = json.loads(read_settings(SECRET_KEY="x" * 50, REDIS_HOST="cache").stdout)
    assert by_host["redis"] == "redis://cache:6379/0"
    both = read_settings(SECRET_KEY="x" * 50, REDIS_HOST="cache", REDIS_URL="redis://other:1/2")
    assert json.loads(both.stdout)["redis"] == "redis://other:1/2"


def test_host_name_is_an_allowed_host():
    values = json.loads(read_settings(SECRET_KEY="x" * 50, HOST_NAME="tracker.example.com").stdout)
    assert "tracker.example.com" in values["hosts"]


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite tuning; this run uses " + connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert connection.transaction_mode == "IMMEDIATE"


PRINT_DATABASE_OPTIONS = (
    "import json, django; from django.conf import settings as s; django.setup(); "
    "options = dict(s.DATABASES['default']['OPTIONS']); options.pop('pool', None); "
    "print(json.dumps(options))"
)


def read_database_options(**env: str) -> dict:
    result = read_settings(PRINT_DATABASE_OPTIONS, SECRET_KEY="x" * 50, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_prepares_repeated_queries_unless_told_not_to():
    url = "postgres://postgres@127.0.0.1:5432/test"
    prepared = read_database_options(DATABASE_URL=url)
    assert prepared == {"server_side_binding": True, "prepare_threshold": 2}
    # Behind PgBouncer in transaction mode: client-side binding, nothing prepared.
    assert read_database_options(DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="false") == {}


def prepared_statements_like(pattern: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [pattern]
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_query_run_again_on_postgresql_is_prepared_once():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's; this run uses " + connection.vendor)
    query = '%SELECT "tasks_task"."interval_minutes" AS%WHERE%"name" = $1%'
    assert prepared_statements_like(query) == 0
    for name in ("first", "second", "third"):
        list(Task.objects.filter(name=name).values_list("interval_minutes"))
    assert prepared_statements_like(query) == 1  # one plan, reused with each name
