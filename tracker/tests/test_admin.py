import pytest

from notifications.models import Notification
from tasks.models import Task

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "/admin/",
    "/admin/tasks/task/",
    "/admin/tasks/task/add/",
    "/admin/notifications/notification/",
    "/admin/tasks/task/?status__exact=in_progress&q=deploy",
    "/admin/notifications/notification/?is_read__exact=0&notification_type__exact=completion",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_load_for_staff(client, staff_user, make_task, url):
    make_task("Deploy", status="done")
    client.force_login(staff_user)
    assert client.get(url).status_code == 200


def test_change_pages_load_for_staff(client, staff_user, make_task):
    task = make_task("Deploy", status="done")
    client.force_login(staff_user)
    assert client.get(f"/admin/tasks/task/{task.pk}/change/").status_code == 200
    notification = Notification.objects.get()
    assert (
        client.get(f"/admin/notifications/notification/{notification.pk}/change/").status_code
        == 200
    )


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_send_others_to_login(client, user, url):
    assert client.get(url).status_code == 302
    client.force_login(user)  # logged in but not staff
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_bulk_move_to_done_goes_through_the_service(client, staff_user, make_task):
    tasks = [make_task("a", status="in_progress"), make_task("b")]
    client.force_login(staff_user)
    response = client.post(
        "/admin/tasks/task/",
        {"action": "move_to_done", "_selected_action": [t.pk for t in tasks]},
    )
    assert response.status_code == 302
    assert set(Task.objects.values_list("status", flat=True)) == {"done"}
    assert Task.objects.filter(next_reminder_at__isnull=False).count() == 0
    assert Notification.objects.filter(notification_type="completion").count() == 2


def test_editing_status_in_the_admin_form_schedules_the_reminder(client, staff_user, make_task):
    task = make_task("Deploy", interval_minutes=10)
    client.force_login(staff_user)
    response = client.post(
        f"/admin/tasks/task/{task.pk}/change/",
        {
            "name": "Deploy",
            "description": "",
            "status": "in_progress",
            "interval_minutes": "10",
            "position": "0",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.next_reminder_at == task.last_ping + task.interval


def test_adding_a_task_in_the_admin_goes_through_the_service(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        "/admin/tasks/task/add/",
        {
            "name": "  From admin ",
            "description": "",
            "status": "in_progress",
            "interval_minutes": "5",
            "position": "0",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.name == "From admin"
    assert task.next_reminder_at is not None


def test_bulk_mark_read(client, staff_user, make_task):
    make_task("a", status="done")
    make_task("b", status="done")
    client.force_login(staff_user)
    client.post(
        "/admin/notifications/notification/",
        {
            "action": "mark_read",
            "_selected_action": list(Notification.objects.values_list("pk", flat=True)),
        },
    )
    assert Notification.objects.filter(is_read=False).count() == 0
