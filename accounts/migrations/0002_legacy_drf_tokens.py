"""People's DRF tokens (rest_framework.authtoken, no longer installed) become hashed ApiToken rows, so
every existing token keeps working; then DRF's table, its migration records and its permissions go.

DRF stored the key itself (40 hex characters). knox finds a token by its first
CONSTANTS.TOKEN_KEY_LENGTH characters and checks the SHA-512 digest of the whole, which works the
same for a 40-character key as for knox's own 64-character tokens (accounts.authentication).

The authtoken app is gone from INSTALLED_APPS, so its migrations cannot be depended on: its table is
looked for by name, and is absent on a database made after this change.
"""

from datetime import UTC

from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.crypto import hash_token
from knox.settings import CONSTANTS

LEGACY_TABLE = "authtoken_token"
# accounts.services.CLI_TOKEN_NAME: the name `manage.py api_token --rotate` replaces, as it
# replaced these before.
LEGACY_TOKEN_NAME = "cli"


def convert_legacy_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('key')}, {quote('user_id')}, {quote('created')} "
            f"FROM {quote(LEGACY_TABLE)}"
        )
        rows = cursor.fetchall()
    ApiToken = apps.get_model("accounts", "ApiToken")
    for key, user_id, created in rows:
        if isinstance(created, str):
            created = parse_datetime(created)
        if created is not None and timezone.is_naive(created):
            created = created.replace(tzinfo=UTC)  # SQLite keeps UTC without a zone
        token = ApiToken.objects.create(
            digest=hash_token(key),
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
            user_id=user_id,
            name=LEGACY_TOKEN_NAME,
            expiry=None,
        )
        if created is not None:
            # `created` is auto_now_add: the original date is kept with an update.
            ApiToken.objects.filter(pk=token.pk).update(created=created)
    schema_editor.execute(f"DROP TABLE {quote(LEGACY_TABLE)}")

    # Without these a later reinstall of authtoken would believe its table exists, and the admin
    # would keep offering its permissions.
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote('django_migrations')} WHERE {quote('app')} = %s", ["authtoken"]
        )
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="authtoken").delete()
    ContentType.objects.filter(app_label="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_tokens_and_bots"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # Not reversible in substance (the plain keys are gone); going back leaves the rows.
        migrations.RunPython(convert_legacy_tokens, migrations.RunPython.noop),
    ]
