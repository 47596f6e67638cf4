"""ASGI entry point: needed for the board's Server-Sent Events stream."""

import os

from django.core.asgi import get_asgi_application

from tracker.middleware.body_limit import limit_request_body

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

# Oversized request bodies are refused before Django reads them (tracker.middleware.body_limit).
application = limit_request_body(get_asgi_application())
