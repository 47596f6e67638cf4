"""/boards/{id}/webhooks/: a board's owners add, list, change, test and remove its webhooks."""

import pytest
from rest_framework.test import APIClient

from boards.models import Visibility
from boards.tests.cast import board_with_cast, make_people
from notifications import dispatch
from notifications.models import BoardWebhook, BoardWebhookEvent
from notifications.tests.receivers import WebhookReceiver
from tasks.services import task_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db) -> dict:
    return make_people()


@pytest.fixture
def ops(people):
    """A private board: olivia owns it, eddie edits, vera views; oscar is no member."""
    return board_with_cast(people, name="Ops", visibility=Visibility.PRIVATE)


@pytest.fixture
def client_of(people):
    def make(who: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(people[who])
        return client

    return make


@pytest.fixture
def owner(client_of) -> APIClient:
    return client_of("owner")


def add_hook(client, board, **body):
    return client.post(f"/boards/{board.pk}/webhooks/", body, format="json")


def test_creating_a_hook_returns_its_secret_once(owner, ops, delivery_settings):
    answer = add_hook(owner, ops, url="http://127.0.0.1:9/hook")
    assert answer.status_code == 201
    assert answer.json()["secret"].startswith("whsec_")
    listed = owner.get(f"/boards/{ops.pk}/webhooks/").json()
    assert [hook["url"] for hook in listed] == ["http://127.0.0.1:9/hook"]
    assert "secret" not in listed[0]


def test_a_new_hook_takes_every_event_unless_told(owner, ops, delivery_settings):
    everything = add_hook(owner, ops, url="http://127.0.0.1:9/a").json()
    assert everything["events"] == list(BoardWebhookEvent.values)
    some = add_hook(owner, ops, url="http://127.0.0.1:9/b", events=["task.moved"]).json()
    assert some["events"] == ["task.moved"]


def test_events_must_be_board_events(owner, ops, delivery_settings):
    answer = add_hook(owner, ops, url="http://127.0.0.1:9/a", events=["reminder"])
    assert answer.status_code == 400
    assert "not a board event" in str(answer.json()["events"])


def test_a_private_url_is_refused_by_default(owner, ops):
    answer = add_hook(owner, ops, url="http://127.0.0.1:9/hook")
    assert answer.status_code == 400
    assert "private" in answer.json()["url"][0]


def test_a_name_that_resolves_to_loopback_is_refused_by_default(owner, ops):
    answer = add_hook(owner, ops, url="http://localhost:9/hook")
    assert answer.status_code == 400
    assert "private" in answer.json()["url"][0]


def test_a_url_must_be_http(owner, ops, delivery_settings):
    answer = add_hook(owner, ops, url="ftp://example.com/hook")
    assert answer.status_code == 400


@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_members_who_do_not_own_the_board_are_refused_with_403(client_of, ops, who):
    client = client_of(who)
    assert client.get(f"/boards/{ops.pk}/webhooks/").status_code == 403
    answer = add_hook(client, ops, url="https://hooks.example.com/x")
    assert answer.status_code == 403
    assert "owner" in answer.json()["detail"]
    assert BoardWebhook.objects.count() == 0


def test_an_outsider_gets_a_404(client_of, ops):
    client = client_of("outsider")
    assert client.get(f"/boards/{ops.pk}/webhooks/").status_code == 404
    assert add_hook(client, ops, url="https://hooks.example.com/x").status_code == 404


def test_anonymous_callers_are_refused(ops):
    assert APIClient().get(f"/boards/{ops.pk}/webhooks/").status_code in (401, 403)


def test_an_owner_of_another_board_cannot_reach_this_boards_hook(
    owner, ops, people, delivery_settings
):
    hook = add_hook(owner, ops, url="http://127.0.0.1:9/a").json()
    other = board_with_cast(people, name="Other", visibility=Visibility.PRIVATE)
    assert owner.get(f"/boards/{other.pk}/webhooks/{hook['id']}").status_code == 404
    assert owner.get(f"/boards/{ops.pk}/webhooks/nope").status_code == 404


def test_patch_changes_events_and_switches_off(owner, ops, delivery_settings):
    hook = add_hook(owner, ops, url="http://127.0.0.1:9/a").json()
    answer = owner.patch(
        f"/boards/{ops.pk}/webhooks/{hook['id']}",
        {"events": ["task.deleted"], "enabled": False},
        format="json",
    )
    assert answer.status_code == 200
    assert answer.json()["events"] == ["task.deleted"]
    assert answer.json()["enabled"] is False


def test_switching_on_again_clears_the_failures(owner, ops, delivery_settings):
    hook = add_hook(owner, ops, url="http://127.0.0.1:9/a").json()
    BoardWebhook.objects.filter(pk=hook["id"]).update(
        enabled=False, consecutive_failures=10, disabled_reason="10 failed attempts"
    )
    answer = owner.patch(
        f"/boards/{ops.pk}/webhooks/{hook['id']}", {"enabled": True}, format="json"
    ).json()
    assert answer["consecutive_failures"] == 0
    assert answer["disabled_reason"] == ""


def test_delete_removes_the_hook(owner, ops, delivery_settings):
    hook = add_hook(owner, ops, url="http://127.0.0.1:9/a").json()
    assert owner.delete(f"/boards/{ops.pk}/webhooks/{hook['id']}").status_code == 204
    assert not BoardWebhook.objects.exists()


def test_the_test_endpoint_sends_a_signed_message(owner, ops, delivery_settings):
    with WebhookReceiver() as receiver:
        hook = add_hook(owner, ops, url=receiver.url).json()
        receiver.secret = hook["secret"]
        answer = owner.post(f"/boards/{ops.pk}/webhooks/{hook['id']}/test")
    assert answer.json() == {"ok": True, "status_code": 200, "error": ""}
    assert receiver.bad_signatures == 0
    assert receiver.bodies()[0]["event"] == "test"
    assert receiver.bodies()[0]["board"] == {"id": ops.pk, "name": "Ops"}


def test_the_list_shows_each_hooks_last_delivery(owner, ops, delivery_settings):
    with WebhookReceiver(answers=[500]) as receiver:
        hook = add_hook(owner, ops, url=receiver.url, events=["task.created"]).json()
        task_create(name="Backup", board=ops)
        dispatch.send_one()
    [listed] = owner.get(f"/boards/{ops.pk}/webhooks/").json()
    assert listed["id"] == hook["id"]
    last = listed["last_delivery"]
    assert last["event"] == "task.created"
    assert last["state"] == "retrying"
    assert last["status_code"] == 500
    assert last["error"].startswith("HTTP 500")


def test_a_hook_with_no_delivery_yet_shows_none(owner, ops, delivery_settings):
    add_hook(owner, ops, url="http://127.0.0.1:9/a")
    assert owner.get(f"/boards/{ops.pk}/webhooks/").json()[0]["last_delivery"] is None


def test_the_list_is_a_fixed_number_of_queries(
    owner, ops, delivery_settings, django_assert_num_queries
):
    for number in range(3):
        add_hook(owner, ops, url=f"http://127.0.0.1:9/{number}")
        task_create(name=f"Task {number}", board=ops)
    # The board (may the caller read it?), the caller's role, the hooks with their last deliveries.
    with django_assert_num_queries(3):
        assert len(owner.get(f"/boards/{ops.pk}/webhooks/").json()) == 3


def test_a_hooks_deliveries_list_each_attempt(owner, ops, delivery_settings):
    with WebhookReceiver(answers=[500]) as receiver:
        hook = add_hook(owner, ops, url=receiver.url, events=["task.created"]).json()
        task_create(name="Backup", board=ops)
        dispatch.send_due_deliveries(max_seconds=30)
    [delivery] = owner.get(f"/boards/{ops.pk}/webhooks/{hook['id']}/deliveries").json()
    assert delivery["event"] == "task.created"
    assert delivery["state"] == "sent"
    assert [attempt["status_code"] for attempt in delivery["attempt_log"]] == [500, 200]


def test_a_hooks_deliveries_are_for_owners_only(client_of, owner, ops, delivery_settings):
    hook = add_hook(owner, ops, url="http://127.0.0.1:9/a").json()
    path = f"/boards/{ops.pk}/webhooks/{hook['id']}/deliveries"
    assert client_of("editor").get(path).status_code == 403
    assert client_of("outsider").get(path).status_code == 404
