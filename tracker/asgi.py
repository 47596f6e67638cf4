"""The web server's entry point: gunicorn -c gunicorn.conf.py tracker.asgi:application.

gunicorn's ASGI worker serves it. The board's event stream (/events/) runs on Django's ASGI handler,
so a thousand open streams cost a thousand small coroutines, not a thousand threads; every other
request runs through Django's WSGI handler in a pool of WEB_THREADS threads per worker, which costs
what a sync WSGI worker costs (tracker.serving says why).
"""

import os

from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application

from tracker.middleware.body_limit import limit_request_body
from tracker.serving import WsgiInThreads, route_streams

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

_streams = get_asgi_application()
_requests = WsgiInThreads(get_wsgi_application(), threads=int(os.environ.get("WEB_THREADS", "4")))
# Oversized request bodies are refused before any of them is read (tracker.middleware.body_limit).
application = limit_request_body(route_streams(_streams, _requests))
