"""Content-Security-Policy: every page type answers with the policy it needs and no more.

What each page needs was measured in Chromium (browser_tests/test_csp_pages.py checks that they
still work under it, with no console errors).
"""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# The sha256 of DRF's logout link's onclick, the browsable API's one inline handler.
DRF_LOGOUT_HASH = "'sha256-tHTC1YgZ5UbAs8E2Ib4NjuSS8R05d1nfPHtbmXq05WA='"


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split("; "))}


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/board/columns",
        "/board/state",
        "/board/notifications",
        "/accounts/login/",
        "/accounts/password_change/",
        "/accounts/password_change/done/",
        "/admin/",
        "/admin/tasks/task/",
        "/admin/tasks/task/add/",
        "/admin/password_change/",
        "/healthz",
        "/no-such-page/",
    ],
)
def test_our_pages_and_the_admin_get_the_strict_policy(staff_client, path):
    assert policy_of(staff_client.get(path)) == STRICT


def test_the_login_page_gets_the_strict_policy_before_login():
    # The password pages too; the old decorator missed them (they redirect here when logged out).
    assert policy_of(Client().get("/accounts/login/")) == STRICT
    assert policy_of(Client().get("/accounts/password_change/")) == STRICT


@pytest.mark.parametrize("path", ["/tasks/", "/notifications/unread-count", "/tasks/0"])
def test_api_json_answers_get_the_strict_policy(anon_client, path):
    assert policy_of(anon_client.get(path)) == STRICT


def test_a_refused_write_gets_the_strict_policy(anon_client):
    assert policy_of(anon_client.post("/tasks/", {"name": "x"}, format="json")) == STRICT


def test_swagger_ui_allows_inline_style_but_no_inline_script(anon_client):
    response = anon_client.get("/api/docs/")
    assert policy_of(response) == {**STRICT, "style-src": ["'self'", "'unsafe-inline'"]}
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    assert scripts and all("src=" in attributes for attributes in scripts)


def test_swagger_ui_start_up_script_is_a_file(anon_client):
    response = anon_client.get("/api/docs/?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in response.content


def test_redoc_allows_inline_style_and_its_blob_worker(anon_client):
    assert policy_of(anon_client.get("/api/redoc/")) == {
        **STRICT,
        "style-src": ["'self'", "'unsafe-inline'"],
        "worker-src": ["'self'", "blob:"],
    }


def test_the_browsable_api_allows_inline_style_and_only_its_logout_handler(staff_client):
    response = staff_client.get("/tasks/", HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("text/html")
    assert policy_of(response) == {
        **STRICT,
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'", "'unsafe-hashes'", DRF_LOGOUT_HASH],
    }


@pytest.mark.parametrize("path", ["/api-auth/login/", "/admin/django_rq/dashboard/"])
def test_third_party_pages_with_inline_style_allow_only_that(staff_client, path):
    response = staff_client.get(path)
    assert response.status_code == 200
    assert policy_of(response) == {**STRICT, "style-src": ["'self'", "'unsafe-inline'"]}
