"""With Redis down the web app keeps serving and writing: a real server, REDIS_URL on a dead port."""

import json
import logging
import re
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from django.contrib.auth import get_user_model

from tasks.models import Task
from tasks.services import task_create
from tracker import redis_client
from tracker.tests.servers import app_env, free_port, get, running_server, send

TOKEN = "redis-down-test-token"


@pytest.fixture(scope="module")
def dead_redis_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture(scope="module")
def server(django_db_setup, collected_static, dead_redis_url, tmp_path_factory):
    env = app_env(REDIS_URL=dead_redis_url, API_AUTH_TOKEN=TOKEN, STATIC_ROOT=collected_static)
    log = tmp_path_factory.mktemp("redis-down") / "gunicorn.log"
    with running_server(env, log) as running:
        yield running.url


def staff_opener(base_url: str) -> urllib.request.OpenerDirector:
    """Logs in through the admin's login form, as a person would."""
    get_user_model().objects.create_superuser("ops", password="ops-password-1")
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = send(f"{base_url}/admin/login/", opener=opener).body
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"username": "ops", "password": "ops-password-1", "csrfmiddlewaretoken": token}
    send(
        f"{base_url}/admin/login/?next=/admin/",
        method="POST",
        body=urllib.parse.urlencode(form).encode(),
        opener=opener,
    )
    return opener


def test_healthz_answers_200_and_reports_redis_down(server):
    response = get(f"{server}/healthz")
    assert response.status == 200
    body = json.loads(response.body)
    assert (body["status"], body["database"], body["redis"]) == ("ok", "ok", "down")


@pytest.mark.django_db(transaction=True)
def test_admin_serves_staff(server):
    opener = staff_opener(server)
    for path in ("/admin/", "/admin/tasks/task/", "/admin/notifications/notification/"):
        assert send(f"{server}{path}", opener=opener).status == 200


@pytest.mark.django_db(transaction=True)
def test_rq_dashboard_answers_503_not_500(server):
    response = send(f"{server}/admin/django_rq/dashboard/", opener=staff_opener(server))
    assert response.status == 503
    assert "Redis is unavailable" in response.body


@pytest.mark.django_db(transaction=True)
def test_api_writes_are_saved(server):
    response = send(
        f"{server}/tasks/",
        method="POST",
        body=json.dumps({"name": "Written while Redis is down", "status": "in_progress"}).encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    assert response.status == 200, response.body
    task = Task.objects.get()
    assert task.name == "Written while Redis is down"
    assert task.next_reminder_at is not None


@pytest.mark.django_db(transaction=True)
def test_board_is_served(server, make_task):
    make_task("Visible without Redis")
    response = get(f"{server}/")
    assert response.status == 200
    assert "Visible without Redis" in response.body


def test_service_writes_commit_and_log_the_unpublished_event(
    db, settings, dead_redis_url, caplog, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = dead_redis_url
    redis_client.forget_clients()
    with caplog.at_level(logging.WARNING, logger="tracker.events"):
        with django_capture_on_commit_callbacks(execute=True):
            task_create(name="Deploy", status="done")
    assert Task.objects.get().status == "done"
    assert "not published, Redis unavailable" in caplog.text
