"""ASGI entry point: needed for the board's Server-Sent Events stream."""

import os

from django.core.asgi import get_asgi_application

from tracker.middleware.body_limit import limit_request_body
from tracker.middleware.client_disconnect import log_client_disconnects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

# Oversized or stalled request bodies are refused before Django reads them (tracker.middleware.
# body_limit); outermost, requests the client abandoned are logged as such, not as 500s.
application = log_client_disconnects(limit_request_body(get_asgi_application()))
