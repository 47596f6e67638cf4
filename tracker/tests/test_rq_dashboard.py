"""django-rq's dashboard lives in the admin: staff only, queues from REDIS_URL."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/django_rq/dashboard/"
DASHBOARD_PAGES = [DASHBOARD, f"{DASHBOARD}queues/0/", f"{DASHBOARD}workers/0/"]


@pytest.fixture
def plain_staff(django_user_model):
    """Staff, but neither superuser nor granted any permission."""
    return django_user_model.objects.create_user(
        "clerk", password="clerk-password-1", is_staff=True
    )


@pytest.mark.parametrize("url", DASHBOARD_PAGES)
def test_staff_get_the_dashboard(client, staff_user, redis_connection, url):
    client.force_login(staff_user)
    assert client.get(url).status_code == 200


def test_staff_without_permissions_get_the_dashboard_too(client, plain_staff, redis_connection):
    client.force_login(plain_staff)
    assert client.get(DASHBOARD).status_code == 200


def test_admin_index_links_to_the_dashboard(client, staff_user):
    client.force_login(staff_user)
    assert f'href="{DASHBOARD}"' in client.get("/admin/").content.decode()


@pytest.mark.parametrize("url", DASHBOARD_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", DASHBOARD_PAGES)
def test_logged_in_non_staff_are_sent_to_log_in(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_stats_json_refuses_non_staff(client, user):
    client.force_login(user)
    assert client.get(f"{DASHBOARD}stats.json").status_code == 401


def test_every_queue_uses_redis_url():
    assert {queue["URL"] for queue in settings.RQ_QUEUES.values()} == {settings.REDIS_URL}


def test_dashboard_shows_the_default_queue(client, staff_user, redis_connection):
    client.force_login(staff_user)
    assert "default" in client.get(DASHBOARD).content.decode()
