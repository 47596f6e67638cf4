"""gunicorn settings for the web process: board, API, admin and the board's Server-Sent Events.

gunicorn's ASGI worker serves tracker.asgi, so a long-lived event stream does not pin a worker the
way it would under WSGI. Override any value with GUNICORN_CMD_ARGS or the variables below.
"""

import multiprocessing
import os

# In a container the app must listen on every interface; run.sh binds 127.0.0.1.
_default_bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
bind = os.environ.get("GUNICORN_BIND", _default_bind)
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8)))
worker_class = "asgi"
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = "-"
errorlog = "-"
