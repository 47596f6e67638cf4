"""A database outage answers 503 with Retry-After; other database errors stay 500s (bugs to fix).

bench/faults.py restarts a real PostgreSQL under load and counts the 503s; these tests pin the
mapping itself with the exceptions Django raises.
"""

import pytest
from django.db import IntegrityError, InterfaceError, OperationalError
from django.test import RequestFactory

from tracker.middleware.unavailable import DatabaseUnavailableMiddleware

OUTAGES = [
    OperationalError("couldn't get a connection after 5.00 sec"),
    OperationalError("server closed the connection unexpectedly"),
    InterfaceError("connection already closed"),
]


def handle(exception: Exception, accept: str = "application/json"):
    request = RequestFactory().post("/tasks/", HTTP_ACCEPT=accept)
    return DatabaseUnavailableMiddleware(lambda request: None).process_exception(request, exception)


@pytest.mark.parametrize("exception", OUTAGES, ids=str)
def test_an_unreachable_database_is_503_with_retry_after(exception):
    response = handle(exception)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"] == "application/json"


def test_a_browser_gets_a_page_not_json():
    response = handle(OUTAGES[0], accept="text/html,application/xhtml+xml")
    assert response.status_code == 503
    assert b"Database unavailable" in response.content


@pytest.mark.parametrize("exception", [IntegrityError("duplicate key"), ValueError("bug")], ids=str)
def test_other_errors_are_left_alone(exception):
    assert handle(exception) is None
