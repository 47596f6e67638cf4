import uuid

import pytest
import redis
from django.conf import settings as django_settings


@pytest.fixture
def own_pass_record(settings, tmp_path, request):
    """Record this test's reminder passes under its own Redis key and file (shared by parallel runs)."""
    settings.REMINDERS_STATE_KEY = f"test-reminders:{request.node.name}:{uuid.uuid4().hex}"
    settings.REMINDERS_STATE_FILE = str(tmp_path / "reminders-last-pass.json")
    yield
    try:
        redis.Redis.from_url(django_settings.REDIS_URL, socket_connect_timeout=0.5).delete(
            settings.REMINDERS_STATE_KEY
        )
    except redis.RedisError:
        pass
