"""gunicorn settings for the web process: board, API, admin and the board's Server-Sent Events.

The documented command, which the image, compose, run.sh and the tests run:

    gunicorn -c gunicorn.conf.py tracker.asgi:application

gunicorn's ASGI worker serves tracker.asgi: each worker is an event loop that holds every open
event stream as a coroutine and runs every other request through Django's WSGI handler, one at a
time, as a sync worker does (tracker.serving). gunicorn reads this file from the project root even without
-c, so `gunicorn tracker.wsgi:application` (the command Django's docs teach) gets gthread workers
instead: the board and the API work, and /events/ answers 503 so the board polls for changes.
Override any value with GUNICORN_CMD_ARGS or the variables below.
"""

import os
import socket
import sys

from gunicorn.config import Config

from tracker.logs import logging_config

# In a container the app must listen on every interface; run.sh binds 127.0.0.1.
_default_bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
bind = os.environ.get("GUNICORN_BIND", _default_bind)

# The CPUs this process may run on (on Linux a container's cpuset, not the host's count), two workers
# each plus one, capped: each worker is an event loop with a thread pool for Django's sync views.
_cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
workers = int(os.environ.get("WEB_CONCURRENCY", min(_cpus * 2 + 1, 8)))

# The application on the command line (this file runs after gunicorn has parsed it): the ASGI
# worker for tracker.asgi; a WSGI application under it would answer 500 to every request.
_apps = Config().parser().parse_known_args(sys.argv[1:])[0].args
if not _apps or _apps[0].startswith("tracker.asgi"):
    worker_class = "asgi"
    # A socket per worker (SO_REUSEPORT), so the kernel spreads connections over the workers. On
    # one shared socket the first idle worker to wake accepts every waiting connection at once
    # (asyncio accepts up to 100 per wake-up), and a client's kept-alive connections stay with it:
    # 16 of them all on one worker left the other idle (bench/api.py, README "Speed of the web
    # server"). on_starting below keeps a second server off a port already taken.
    reuse_port = True
else:
    worker_class = "gthread"
    threads = int(os.environ.get("WEB_THREADS") or "4")

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


def on_starting(server) -> None:
    """Refuse to start on a TCP address another process already listens on.

    With reuse_port the workers bind their own sockets with SO_REUSEPORT, and a second server of the
    same user could bind them too and silently share the port; one plain bind here fails instead,
    with "Address already in use", as a server without reuse_port would.
    """
    if not server.cfg.reuse_port:
        return
    for address in server.cfg.address:
        if not isinstance(address, tuple):
            continue  # a Unix socket path: gunicorn checks it itself
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address[:2])
            except OSError as error:
                raise SystemExit(
                    f"Cannot listen on {address[0]}:{address[1]}: {error.strerror}"
                ) from None
