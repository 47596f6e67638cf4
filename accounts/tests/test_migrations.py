"""0002_legacy_drf_tokens: people's DRF tokens become hashed ApiToken rows that still work, and DRF's
table goes."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ModelState
from knox.crypto import hash_token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE, AFTER = [("accounts", "0001_tokens_and_bots")], [("accounts", "0002_legacy_drf_tokens")]
LEGACY_KEY = "0123456789abcdef0123456789abcdef01234567"  # DRF's form: 40 hex characters
CREATED = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


def migrate(targets) -> object:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def legacy_token_model(before_state):
    """rest_framework.authtoken's Token as its migrations made it (the app is no longer installed)."""
    before_state.add_model(
        ModelState(
            "authtoken",
            "Token",
            fields=[
                ("key", models.CharField(max_length=40, primary_key=True)),
                (
                    "user",
                    models.OneToOneField(
                        "auth.User", on_delete=models.CASCADE, related_name="auth_token"
                    ),
                ),
                ("created", models.DateTimeField()),
            ],
        )
    )
    return before_state.apps.get_model("authtoken", "Token")


@pytest.fixture
def legacy_database():
    """The database as it was with DRF's tokens: alice holds one, authtoken's records are there."""
    migrate(BEFORE)
    state = MigrationExecutor(connection).loader.project_state(BEFORE)
    Token = legacy_token_model(state)
    with connection.schema_editor() as editor:
        editor.create_model(Token)
    User = state.apps.get_model("auth", "User")
    alice = User.objects.create(username="alice", password=make_password("alice-password-1"))
    Token.objects.create(key=LEGACY_KEY, user=alice, created=CREATED)
    ContentType = state.apps.get_model("contenttypes", "ContentType")
    Permission = state.apps.get_model("auth", "Permission")
    token_type = ContentType.objects.create(app_label="authtoken", model="token")
    Permission.objects.create(content_type=token_type, codename="add_token", name="Can add token")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
            ["authtoken", "0001_initial", CREATED],
        )
    try:
        yield
    finally:
        if "authtoken_token" in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.delete_model(Token)
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_a_legacy_token_becomes_a_hashed_row(legacy_database):
    apps = migrate(AFTER)
    ApiToken = apps.get_model("accounts", "ApiToken")
    token = ApiToken.objects.get()
    assert token.digest == hash_token(LEGACY_KEY)
    assert token.digest != LEGACY_KEY
    assert (token.user.username, token.name, token.expiry) == ("alice", "cli", None)
    assert token.created == CREATED


def test_drfs_table_and_records_are_gone(legacy_database):
    migrate(AFTER)
    assert "authtoken_token" not in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = %s", ["authtoken"])
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT COUNT(*) FROM django_content_type WHERE app_label = %s", ["authtoken"]
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT COUNT(*) FROM auth_permission WHERE codename = %s", ["add_token"])
        assert cursor.fetchone()[0] == 0


def test_the_legacy_key_still_authenticates(legacy_database):
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {LEGACY_KEY}")
    assert [item["name"] for item in client.get("/tokens/").json()] == ["cli"]


def test_a_database_without_drfs_table_migrates(db):
    migrate(BEFORE)
    try:
        apps = migrate(AFTER)
        assert not apps.get_model("accounts", "ApiToken").objects.exists()
    finally:
        # Back to the latest state: AFTER is not the last accounts migration any more, and later
        # tests (and the servers they start) need every table.
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
