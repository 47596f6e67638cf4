"""The production path, checked without a Docker engine: `check --deploy` with .env.example's values,
the compose files validating, the Dockerfile's essentials, and the commands the images run, run here."""

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import skip_or_fail
from tracker.tests.servers import BASE_DIR, app_env, free_port, get, running_server

DOCKERFILE = (BASE_DIR / "Dockerfile").read_text()
SERVICES = {"web", "migrate", "reminders", "rqworker", "rqcron", "redis", "postgres", "single"}


def env_example() -> dict[str, str]:
    values = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """.env.example's values with a real key (its placeholder is refused on purpose)."""
    return {
        **env_example(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.db",
        **overrides,
    }


PRINT_SECURITY = (
    "from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "s.SECURE_HSTS_SECONDS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.CSRF_TRUSTED_ORIGINS)"
)


def test_check_deploy_is_clean_with_env_example_values(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_env_example_secret_key_placeholder_is_refused(tmp_path):
    env = {**production_env(tmp_path), "SECRET_KEY": env_example()["SECRET_KEY"]}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "placeholder" in result.stderr


def test_https_switches_on_redirect_hsts_secure_cookies_and_the_proxy_header(tmp_path):
    env = production_env(tmp_path, HTTPS="true", HOST_NAME="tracker.example.com")
    result = manage("shell", "--no-imports", "-c", PRINT_SECURITY, env=env)
    assert result.stdout.split("\n")[0] == (
        "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') "
        "['https://tracker.example.com']"
    ), result.stderr


def test_without_https_nothing_forces_https(tmp_path):
    result = manage(
        "shell", "--no-imports", "-c", PRINT_SECURITY, env=production_env(tmp_path, HTTPS="false")
    )
    assert result.stdout.startswith("False False False 0 None"), result.stderr


# --- docker-compose.yml -------------------------------------------------------------------------


@pytest.fixture
def compose(tmp_path):
    """Runs Debian's docker-compose on a copy of the compose files with .env.example as .env."""
    if not shutil.which("docker-compose"):
        skip_or_fail("docker-compose is not installed (apt-get install docker-compose)")
    for name in ("docker-compose.yml", "docker-compose.traefik.yml"):
        shutil.copy(BASE_DIR / name, tmp_path / name)
    shutil.copy(BASE_DIR / ".env.example", tmp_path / ".env")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["docker-compose", *args],
            cwd=tmp_path,
            env={"PATH": os.environ["PATH"]},
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def test_compose_file_validates(compose):
    result = compose("config", "-q")
    assert result.returncode == 0, result.stderr


def test_compose_file_with_traefik_validates(compose):
    result = compose("-f", "docker-compose.yml", "-f", "docker-compose.traefik.yml", "config", "-q")
    assert result.returncode == 0, result.stderr


def test_compose_sqlite_profile_validates(compose):
    result = compose("--profile", "sqlite", "config", "-q")
    assert result.returncode == 0, result.stderr


def test_compose_has_every_service(compose):
    assert set(compose("config", "--services").stdout.split()) == SERVICES


def test_compose_routes_host_name_through_traefik(compose):
    config = compose("config").stdout
    assert "traefik.http.routers.status-tracker.rule: Host(`status-tracker.local`)" in config


def test_compose_runs_the_commands_the_readme_documents(compose):
    config = compose("config").stdout
    for command in (
        "- gunicorn\n    - -c\n    - gunicorn.conf.py\n    - tracker.asgi:application",
        "- run_reminders",
        "- rqworker\n    - default",
        "- rqcron\n    - reminders.cron",
        "- migrate\n    - --noinput",
    ):
        assert command in config


def test_compose_requires_a_postgres_password(compose, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(re.sub(r"(?m)^POSTGRES_PASSWORD=.*$", "", env_file.read_text()))
    result = compose("config", "-q")
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr


# --- Dockerfile -----------------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_on_python_311_slim():
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in DOCKERFILE
    assert len(re.findall(r"(?m)^FROM \$\{PYTHON_IMAGE\} AS \w+", DOCKERFILE)) == 2
    assert "COPY --from=build" in DOCKERFILE


def test_dockerfile_runs_as_a_non_root_user():
    users = re.findall(r"(?m)^USER\s+(\S+)", DOCKERFILE)
    assert users and users[-1] not in {"root", "0"}


def test_dockerfile_has_a_healthcheck_on_healthz():
    assert re.search(
        r"(?m)^HEALTHCHECK .*\n\s+CMD \[\"python\", \"scripts/healthcheck.py\"\]", DOCKERFILE
    )
    assert "/healthz" in (BASE_DIR / "scripts" / "healthcheck.py").read_text()


def test_dockerfile_installs_pinned_requirements_and_collects_static():
    assert "pip install -r requirements.txt" in DOCKERFILE
    assert "manage.py collectstatic --noinput" in DOCKERFILE
    requirements = (BASE_DIR / "requirements.txt").read_text().splitlines()
    packages = [line for line in requirements if line.strip() and not line.startswith("#")]
    assert all("==" in line for line in packages)


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    assert {".env", ".venv", "data", ".git", "staticfiles"} <= set(ignored)


# --- What the images run, run here -----------------------------------------------------------------


@pytest.fixture(scope="module")
def production_server(django_db_setup, collected_static, tmp_path_factory):
    """gunicorn -c gunicorn.conf.py (the image's CMD) with .env.example's production values."""
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    base = app_env()
    env = {
        **base,
        **env_example(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        # The test database and Redis instead of the example's.
        "DATABASE_URL": base["DATABASE_URL"],
        "REDIS_URL": base["REDIS_URL"],
        "STATIC_ROOT": collected_static,
    }
    with running_server(env, log) as running:
        yield running.url


def test_image_healthcheck_passes_against_the_production_server(production_server):
    port = production_server.rsplit(":", 1)[1]
    result = subprocess.run(
        [sys.executable, "scripts/healthcheck.py"],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "PORT": port, "HOST_NAME": "status-tracker.local"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stdout


def test_image_healthcheck_fails_when_nothing_serves():
    result = subprocess.run(
        [sys.executable, "scripts/healthcheck.py"],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "PORT": str(free_port())},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1


def test_production_server_redirects_plain_http_to_https(production_server):
    response = get(f"{production_server}/admin/login/", {"Host": "status-tracker.local"})
    assert response.status == 301
    assert response.headers["Location"] == "https://status-tracker.local/admin/login/"


def test_production_server_serves_https_behind_the_proxy_with_hsts(production_server):
    response = get(
        f"{production_server}/admin/login/",
        {"Host": "status-tracker.local", "X-Forwarded-Proto": "https"},
    )
    assert response.status == 200
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


@pytest.mark.django_db(transaction=True)
def test_gunicorn_with_the_wsgi_module_alone_serves_and_refuses_the_stream_at_once(
    collected_static, tmp_path, make_task
):
    """`gunicorn tracker.wsgi:application`, as Django's docs teach, from the project root: gunicorn
    reads gunicorn.conf.py by itself, which must not force the ASGI worker onto a WSGI app."""
    task = make_task("Served over WSGI")
    env = app_env(STATIC_ROOT=collected_static)
    with running_server(env, tmp_path / "wsgi.log", args=("tracker.wsgi:application",)) as server:
        base_url = server.url
        read = get(f"{base_url}/tasks/{task.pk}")
        stream = get(f"{base_url}/events/", timeout=5)
        board = get(f"{base_url}/")
    assert read.status == 200 and "Served over WSGI" in read.body
    assert stream.status == 503 and "poll /board/state" in stream.body
    assert board.status == 200


def test_run_sh_serves_the_board_with_the_reminder_loop(tmp_path):
    """The SQLite-only container's command, which is also the README's quick start."""
    port = free_port()
    env = {
        **app_env(),
        "DATABASE_URL": f"sqlite:///{tmp_path}/single.db",
        "STATIC_ROOT": str(tmp_path / "static"),
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
    }
    with open(tmp_path / "run.log", "w") as log:
        run = subprocess.Popen(
            ["./scripts/run.sh"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                health = get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                assert run.poll() is None and time.monotonic() < deadline, (
                    tmp_path / "run.log"
                ).read_text()
                time.sleep(0.3)
        assert health.status == 200, health.body
        processes = subprocess.run(
            ["ps", "-o", "args=", "--sid", str(run.pid)], capture_output=True, text=True
        ).stdout
        assert "manage.py run_reminders" in processes
    finally:
        os.killpg(run.pid, signal.SIGTERM)
        run.wait(timeout=60)
