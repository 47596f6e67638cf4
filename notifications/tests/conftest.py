"""People with channels, and the settings delivery tests need (private loopback targets allowed,
short retries)."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from boards.access import default_board
from boards.models import Membership, Role


@pytest.fixture
def delivery_settings(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.DELIVERY_TIMEOUT_SECONDS = 1.0
    settings.DELIVERY_RETRY_BASE_SECONDS = 0.0
    settings.DELIVERY_LEASE_SECONDS = 30.0
    return settings


@pytest.fixture
def person(db):
    """Pat, an editor of the default board: the recipient of its unassigned tasks' notifications."""
    pat = get_user_model().objects.create_user("pat", "pat@example.com", "pat-password-1")
    Membership.objects.create(board=default_board(), user=pat, role=Role.EDITOR)
    return pat


@pytest.fixture
def person_client(person) -> APIClient:
    client = APIClient()
    client.force_login(person)
    return client


@pytest.fixture
def other_client(db) -> APIClient:
    other = get_user_model().objects.create_user("quinn", password="quinn-password-1")
    client = APIClient()
    client.force_login(other)
    return client
