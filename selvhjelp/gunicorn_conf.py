"""gunicorn's settings: ``gunicorn -c python:selvhjelp.gunicorn_conf selvhjelp.wsgi``.

Options given on the command line win over these.
"""

import os

from selvhjelp.env import env_int, env_str

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selvhjelp.settings")

from django.conf import settings  # noqa: E402 - needs DJANGO_SETTINGS_MODULE

# Behind a TLS-terminating proxy on the same machine; WEB_BIND=0.0.0.0:8000
# when the proxy is elsewhere (and then let only the proxy reach the port).
bind = [env_str("WEB_BIND", "127.0.0.1:8000")]
workers = env_int("WEB_CONCURRENCY", 2)
worker_class = "gthread"
threads = env_int("WEB_THREADS", 4)
timeout = env_int("WEB_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that a slow leak never takes a machine down.
max_requests = 50000
max_requests_jitter = 5000
# gunicorn's control socket has one default path per user, which a second
# gunicorn on the machine would fight over; the app needs none.
control_socket_disable = True

# gunicorn's own lines and its access log go through Django's LOGGING: the
# same format, the same redaction, the request id. The access log names no
# client address, no user agent and no query string.
logconfig_dict = settings.LOGGING
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s"
