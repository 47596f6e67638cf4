"""OpenAPI schema, Swagger UI and ReDoc from local assets; DRF's browsable API with login."""

import pytest
import yaml

pytestmark = pytest.mark.django_db

API_PATHS = [
    "/tasks/",
    "/tasks/{id}/",
    "/notifications/",
    "/notifications/unread-count/",
    "/notifications/{id}/read/",
    "/notifications/read-all/",
]


def test_schema_documents_every_endpoint_and_its_auth(anon_client):
    response = anon_client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert set(API_PATHS) <= set(schema["paths"])
    assert {"apiToken", "userToken", "cookieAuth"} <= set(schema["components"]["securitySchemes"])
    create = schema["paths"]["/tasks/"]["post"]
    assert {} not in create["security"]  # writes need credentials
    assert {} in schema["paths"]["/tasks/"]["get"]["security"]  # reads are public
    assert create["requestBody"]["content"]["application/json"]["examples"]


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/", "/api/docs"])
def test_docs_pages_load_their_assets_locally(anon_client, path):
    response = anon_client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "cdn." not in page and "unpkg" not in page


@pytest.mark.parametrize(
    "path", ["/tasks/", "/tasks/{task}", "/notifications/", "/notifications/unread-count"]
)
def test_browsable_api_renders_reads(client, staff_user, make_task, path):
    task = make_task("Backup", status="done")
    client.force_login(staff_user)
    response = client.get(path.format(task=task.pk), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"Status Tracker" in response.content or b"Django REST framework" in response.content


@pytest.mark.parametrize(
    "path", ["/tasks/{task}", "/notifications/{notification}/read", "/notifications/read-all"]
)
def test_browsable_api_renders_write_forms(client, staff_user, make_task, path):
    task = make_task("Backup", status="done")
    notification = task.notifications.get()
    client.force_login(staff_user)
    response = client.options(
        path.format(task=task.pk, notification=notification.pk), HTTP_ACCEPT="text/html"
    )
    assert response.status_code == 200


def test_browsable_api_login_page_loads(client):
    response = client.get("/api-auth/login/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
