"""Settings for benchmarks only: the app as configured, plus a hello-world baseline view.

Never used in production: nothing outside bench/ names this module.
"""

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
