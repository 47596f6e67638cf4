"""/channels/, /channels/{id}, /channels/{id}/test."""

import pytest

from notifications.models import Channel
from notifications.tests.receivers import WebhookReceiver

pytestmark = pytest.mark.django_db


def make_channel(client, **body):
    return client.post("/channels/", {"kind": "webhook", "target": "http://127.0.0.1:9/h", **body})


def test_creating_a_webhook_returns_its_secret_once(person_client, delivery_settings):
    created = make_channel(person_client)
    assert created.status_code == 201
    assert created.json()["secret"].startswith("whsec_")
    shown = person_client.get(f"/channels/{created.json()['id']}").json()
    assert "secret" not in shown


def test_a_new_channel_takes_every_type_unless_told(person_client, delivery_settings):
    body = make_channel(person_client).json()
    assert body["events"] == ["reminder", "completion", "escalation", "system"]
    assert body["enabled"] is True and body["consecutive_failures"] == 0


def test_events_must_be_notification_types(person_client, delivery_settings):
    response = make_channel(person_client, events=["reminder", "gossip"])
    assert response.status_code == 400
    assert "gossip" in str(response.json())


def test_an_unknown_kind_is_a_400(person_client):
    response = person_client.post("/channels/", {"kind": "pigeon", "target": "x"})
    assert response.status_code == 400


def test_a_private_webhook_target_is_refused_by_default(person_client):
    response = make_channel(person_client, target="http://127.0.0.1:8000/hook")
    assert response.status_code == 400
    assert "WEBHOOK_ALLOW_PRIVATE_TARGETS" in str(response.json())


def test_a_link_local_address_is_refused_by_default(person_client):
    response = make_channel(person_client, target="http://169.254.169.254/latest/meta-data")
    assert response.status_code == 400


def test_an_email_channel_needs_an_address(person_client):
    response = person_client.post("/channels/", {"kind": "email", "target": "not-an-address"})
    assert response.status_code == 400


def test_an_apprise_channel_needs_an_apprise_url(person_client, delivery_settings):
    response = person_client.post("/channels/", {"kind": "apprise", "target": "nonsense://x"})
    assert response.status_code == 400
    ok = person_client.post("/channels/", {"kind": "apprise", "target": "json://127.0.0.1:9/"})
    assert ok.status_code == 201


def test_a_web_push_channel_needs_a_browser_subscription(person_client):
    # More in test_webpush.py.
    response = person_client.post("/channels/", {"kind": "webpush", "target": "{}"})
    assert response.status_code == 400
    assert "endpoint" in response.json()["target"][0]


def test_anonymous_callers_cannot_list_channels(anon_client):
    assert anon_client.get("/channels/").status_code in (401, 403)


def test_the_list_shows_only_your_own_channels(
    person_client, other_client, delivery_settings, django_assert_num_queries
):
    mine = make_channel(person_client).json()["id"]
    make_channel(other_client)
    make_channel(person_client, target="http://127.0.0.1:9/second")
    # session, user, channels
    with django_assert_num_queries(3):
        response = person_client.get("/channels/")
    assert [row["id"] for row in response.json()][0] == mine
    assert len(response.json()) == 2


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_someone_elses_channel_is_a_404(person_client, other_client, delivery_settings, method):
    theirs = make_channel(other_client).json()["id"]
    response = getattr(person_client, method)(f"/channels/{theirs}", {})
    assert response.status_code == 404
    assert Channel.objects.filter(pk=theirs).exists()


def test_patch_changes_events_and_switches_off(person_client, delivery_settings):
    channel = make_channel(person_client).json()["id"]
    response = person_client.patch(
        f"/channels/{channel}", {"events": ["reminder"], "enabled": False}
    )
    assert response.status_code == 200
    assert response.json()["events"] == ["reminder"]
    assert response.json()["enabled"] is False


def test_switching_on_again_clears_the_failures(person_client, delivery_settings):
    channel_id = make_channel(person_client).json()["id"]
    Channel.objects.filter(pk=channel_id).update(
        enabled=False, consecutive_failures=10, disabled_reason="down"
    )
    body = person_client.patch(f"/channels/{channel_id}", {"enabled": True}).json()
    assert (body["enabled"], body["consecutive_failures"], body["disabled_reason"]) == (True, 0, "")


def test_delete_removes_the_channel(person_client, delivery_settings):
    channel = make_channel(person_client).json()["id"]
    assert person_client.delete(f"/channels/{channel}").status_code == 204
    assert not Channel.objects.filter(pk=channel).exists()


def test_the_test_endpoint_sends_a_signed_message(person_client, delivery_settings):
    with WebhookReceiver() as receiver:
        created = make_channel(person_client, target=receiver.url).json()
        receiver.secret = created["secret"]
        response = person_client.post(f"/channels/{created['id']}/test")
    assert response.json() == {"ok": True, "status_code": 200, "error": ""}
    assert receiver.bad_signatures == 0
    assert receiver.bodies()[0]["event"] == "test"


def test_the_test_endpoint_reports_a_failing_receiver(person_client, delivery_settings):
    with WebhookReceiver(default=500) as receiver:
        created = make_channel(person_client, target=receiver.url).json()
        response = person_client.post(f"/channels/{created['id']}/test")
    assert response.json()["ok"] is False
    assert response.json()["status_code"] == 500
