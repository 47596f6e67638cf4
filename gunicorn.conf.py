"""gunicorn settings for the web process: board, API, admin and the board's Server-Sent Events.

gunicorn's ASGI worker serves tracker.asgi, so a long-lived event stream does not pin a worker the
way it would under WSGI. Override any value with GUNICORN_CMD_ARGS or the variables below.
"""

import os

from tracker.logs import logging_config

# In a container the app must listen on every interface; run.sh binds 127.0.0.1.
_default_bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
bind = os.environ.get("GUNICORN_BIND", _default_bind)

# The CPUs this process may run on (on Linux a container's cpuset, not the host's count), two workers
# each plus one, capped: each worker is an event loop with a thread pool for Django's sync views.
_cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
workers = int(os.environ.get("WEB_CONCURRENCY", min(_cpus * 2 + 1, 8)))
worker_class = "asgi"

# A worker whose heartbeat stops for this long is killed and replaced. Under the ASGI worker the
# heartbeat runs beside requests, so an open event stream never trips it.
timeout = 30
# On restart or SIGTERM, requests in flight get this long to finish; event streams are cut and the
# browser's EventSource reconnects to another worker.
graceful_timeout = 20
keepalive = 5

# Logs: one JSON object per line on stdout (tracker.logs), for gunicorn's own lines as well as the
# app's. The access line's message is the format below; the JSON around it adds the request id
# (from the X-Request-ID response header), status and duration as fields.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
logconfig_dict = logging_config(os.environ.get("LOG_LEVEL", "INFO").upper())

# gunicorn's runtime control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl), so
# a second web process on the same host would take it over; nothing here uses gunicornc.
control_socket_disable = True
