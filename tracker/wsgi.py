"""WSGI entry point, for WSGI servers and for `manage.py runserver`.

The deployed server is `gunicorn -c gunicorn.conf.py tracker.asgi:application`, which runs this same
Django handler for every request except the event stream (tracker.serving). Served through this
module alone (`gunicorn tracker.wsgi:application`, which picks gthread workers from gunicorn.conf.py,
or runserver) everything works except live updates: /events/ answers 503 and the board polls.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()
