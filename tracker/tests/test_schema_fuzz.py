"""Schema fuzzing: schemathesis sends generated requests to every operation of our own /api/schema/.

Twice: in-process through Django's WSGI application, and through the real server (gunicorn with
gunicorn.conf.py, as shipped), which answers some requests itself before the app sees them (414 for
an overlong URL). Both on the test database, authenticated with the static token. Every response
must be documented (status code, content type, body schema) and none may be a 5xx. Valid and invalid
requests are both generated; half of the path ids point at real rows, so writes reach the services
rather than stopping at a 404.

Two of schemathesis's checks are left out on purpose: `positive_data_acceptance` and
`negative_data_rejection` judge how strict the API is about input, and it is lenient by design where
the original was (names are trimmed, the original's query-parameter form of PUT/PATCH takes strings).
tracker/tests/test_bad_input.py holds the API to "clear 4xx for bad input" instead.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from schemathesis.transport.requests import REQUESTS_TRANSPORT

from notifications.models import Notification
from tasks.models import Task
from tracker.tests.servers import app_env, running_server
from tracker.wsgi import application

# Per operation; ten operations with both generation modes stay well under a minute.
EXAMPLES_PER_OPERATION = 40
TOKEN = "test-static-token"

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

# Ids of rows that exist during the current test, read when a case is drawn.
_existing_ids: dict[str, list[int]] = {"tasks": [], "notifications": []}


def _with_existing_id(path_parameters: dict, table: str, index: int) -> dict:
    ids = _existing_ids[table]
    return {**path_parameters, "id": ids[index]} if index < len(ids) else path_parameters


def flatmap_path_parameters(context, path_parameters: dict | None) -> st.SearchStrategy:
    if not path_parameters or "id" not in path_parameters:
        return st.just(path_parameters)
    table = "notifications" if context.operation.path.startswith("/notifications") else "tasks"
    # Drawn now, applied when the case is built: the ids exist only while a test runs.
    return st.integers(min_value=0, max_value=5).map(
        lambda index: _with_existing_id(path_parameters, table, index)
    )


schema.hook(flatmap_path_parameters)


@pytest.fixture(scope="module")
def live_url(django_db_setup, tmp_path_factory):
    """The real server on the test database; no write limit (the fuzzer writes fast)."""
    env = app_env(API_AUTH_TOKEN=TOKEN, THROTTLE_WRITE_RATE="")
    with running_server(env, tmp_path_factory.mktemp("fuzz") / "gunicorn.log") as base_url_server:
        base_url = base_url_server.url
        yield base_url


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Calling the WSGI app directly fires request_finished, which closes the test's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _rows(settings, make_task):
    settings.API_AUTH_TOKEN = TOKEN
    tasks = [make_task("Queued"), make_task("Running", status="in_progress")]
    tasks.append(make_task("Finished", status="done"))
    _existing_ids["tasks"] = [task.pk for task in tasks]
    _existing_ids["notifications"] = list(Notification.objects.values_list("pk", flat=True))
    yield
    _existing_ids.update(tasks=[], notifications=[])


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    # The database fixtures are per test, not per example, on purpose: state builds up as a
    # client's would.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_documented_and_never_5xx(case):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"},
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )
    # Whatever was sent, the database still holds only valid tasks.
    assert not Task.objects.exclude(status__in=["todo", "in_progress", "done"]).exists()


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_real_server_answers_as_documented_and_never_5xx(case, live_url):
    # The same generated cases, sent over HTTP to gunicorn instead of into the WSGI application.
    headers = {"Authorization": f"Bearer {TOKEN}"}
    response = REQUESTS_TRANSPORT.send(case, base_url=live_url, headers=headers, timeout=30)
    case.validate_response(
        response,
        headers=headers,
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )
    assert not Task.objects.exclude(status__in=["todo", "in_progress", "done"]).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("method", "path"), [("PUT", "/tasks/{id}/"), ("PATCH", "/tasks/{id}/")])
def test_an_overlong_url_gets_the_documented_414(live_url, method, path):
    # The original's query-parameter form of PUT and PATCH invites long URLs; gunicorn refuses them.
    case = schema[path][method].Case(
        path_parameters={"id": _existing_ids["tasks"][0]}, query={"name": "x" * 5000}
    )
    headers = {"Authorization": f"Bearer {TOKEN}"}
    response = REQUESTS_TRANSPORT.send(case, base_url=live_url, headers=headers, timeout=30)
    assert response.status_code == 414
    case.validate_response(
        response,
        headers=headers,
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )
