"""Idempotency-Key on POST and PATCH: replays, refusals, expiry, concurrent retries."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from idempotency.models import IdempotentRequest
from idempotency.services import requests_forget_expired
from tasks.models import Task, TaskChange
from tracker.tests.servers import app_env, at_once, running_server

pytestmark = pytest.mark.django_db

KEY = "3f1c0b6e-retry-1"


def post(client, body: dict, key: str = KEY):
    return client.post("/tasks/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_gets_the_first_answer_and_creates_nothing(token_client):
    first = post(token_client, {"name": "Backup"})
    again = post(token_client, {"name": "Backup"})
    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Task.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422(token_client):
    post(token_client, {"name": "Backup"})
    response = post(token_client, {"name": "Restore"})
    assert response.status_code == 422
    assert Task.objects.count() == 1


def test_a_patch_retry_changes_nothing_more(token_client, make_task):
    task = make_task()
    path = f"/tasks/{task.pk}"
    for _ in range(2):
        response = token_client.patch(
            path, {"status": "done"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY
        )
        assert response.status_code == 200
    assert TaskChange.objects.filter(task=task, kind="updated").count() == 1


def test_keys_are_per_caller(token_client, user):
    from rest_framework.test import APIClient

    post(token_client, {"name": "Backup"})
    alice = APIClient()
    alice.force_authenticate(user)
    assert post(alice, {"name": "Backup"}).status_code == 200
    assert Task.objects.count() == 2


def test_without_a_key_every_post_creates(token_client):
    token_client.post("/tasks/", {"name": "Backup"}, format="json")
    token_client.post("/tasks/", {"name": "Backup"}, format="json")
    assert Task.objects.count() == 2


def test_a_refused_request_is_not_remembered(token_client):
    assert post(token_client, {"name": ""}).status_code == 400
    assert not IdempotentRequest.objects.exists()


def test_a_key_older_than_24_hours_runs_again(token_client):
    post(token_client, {"name": "Backup"})
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert post(token_client, {"name": "Backup"}).status_code == 200
    assert Task.objects.count() == 2


def test_expired_keys_are_forgotten(token_client):
    post(token_client, {"name": "Backup"})
    assert requests_forget_expired(now=timezone.now() + timedelta(hours=23)) == 0
    assert requests_forget_expired(now=timezone.now() + timedelta(hours=25)) == 1


def test_an_overlong_key_is_a_400(token_client):
    assert post(token_client, {"name": "Backup"}, key="k" * 256).status_code == 400


TOKEN = "idempotency-token"


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_create_one_task(tmp_path):
    env = app_env(API_AUTH_TOKEN=TOKEN, THROTTLE_WRITE_RATE="")
    with running_server(env, tmp_path / "gunicorn.log", workers=2) as server:
        request = {
            "url": f"{server.url}/tasks/",
            "method": "POST",
            "headers": {
                "Authorization": f"Bearer {TOKEN}",
                "Content-Type": "application/json",
                "Idempotency-Key": KEY,
            },
            "body": json.dumps({"name": "Once"}).encode(),
            "timeout": 60,
        }
        answers = at_once([request] * 6)
    assert [answer.status for answer in answers] == [200] * 6
    assert len({json.loads(answer.body)["id"] for answer in answers}) == 1
    assert Task.objects.filter(name="Once").count() == 1
