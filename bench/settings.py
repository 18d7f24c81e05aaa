"""Settings for the benchmark only: the app's own settings, unchanged, with a
URLconf that adds a bare view (``bench/urls.py``) to compare every page with.

``bench/run`` starts gunicorn with ``DJANGO_SETTINGS_MODULE=bench.settings``.
"""

from selvhjelp.settings import *  # noqa: F403 - the app's settings, unchanged

ROOT_URLCONF = "bench.urls"
