"""Settings for the gunicorn server the browser tests start: the real settings, static files from
the source folders (no collectstatic step), and no kept-open database connections, so the test
database can be flushed between tests and dropped at the end."""

from tracker.settings import *  # noqa: F403
from tracker.settings import DATABASES, STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DATABASES["default"]["CONN_MAX_AGE"] = 0
