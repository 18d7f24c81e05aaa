"""gunicorn's settings: ``gunicorn -c python:selvhjelp.gunicorn_conf selvhjelp.wsgi``.

Options given on the command line win over these.
"""

import gc
import os
import time
from typing import Any

from gunicorn import systemd

from selvhjelp.env import env_int, env_str

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selvhjelp.settings")

from django.conf import settings  # noqa: E402 - needs DJANGO_SETTINGS_MODULE

# Behind a TLS-terminating proxy on the same machine; WEB_BIND=0.0.0.0:8000
# when the proxy is elsewhere (and then let only the proxy reach the port).
bind = [env_str("WEB_BIND", "127.0.0.1:8000")]
workers = env_int("WEB_CONCURRENCY", 2)
worker_class = "gthread"
threads = env_int("WEB_THREADS", 4)
# Each worker listens on a socket of its own (SO_REUSEPORT) and the kernel spreads new connections over
# them evenly. On one socket shared by all, whichever worker wakes first takes what arrives: a proxy's or
# a few browsers' keep-alive connections could all land on one worker and leave the other cores idle.
# Only for addresses that are host and port (``spread_connections_where_we_can``).
reuse_port = True
timeout = env_int("WEB_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5
# Recycle a worker only after a million requests or so, as a guard against a slow leak taking a machine
# down: a worker's memory stays level (all it keeps is bounded), and while a new one starts, the other
# worker serves alone.
max_requests = 1_000_000
max_requests_jitter = 50_000
# gunicorn's control socket has one default path per user, which a second
# gunicorn on the machine would fight over; the app needs none.
control_socket_disable = True

# gunicorn's own lines and its access log go through Django's LOGGING: the
# same format, the same redaction, the request id. The access log names no
# client address, no user agent and no query string.
logconfig_dict = settings.LOGGING
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s"


def spread_connections_where_we_can(server: Any) -> None:
    """A Unix socket, a socket given by file descriptor or one handed over by systemd is one socket
    whoever listens on it: there the workers share it, as without ``reuse_port``."""
    if systemd.listen_fds(unset_environment=False) or not all(
        isinstance(address, tuple) for address in server.cfg.address
    ):
        server.cfg.set("reuse_port", False)


on_starting = spread_connections_where_we_can


def post_worker_init(worker: Any) -> None:
    """Before a new worker takes its first request, read in what every request needs the first time: each
    page's code (the URLs, with the views they import), the translations, and what each app says its pages
    need first (an app config's ``warm_up``: ``figures.apps``). So the first pages a new worker serves are as
    quick as the rest. None of it is needed: if the database or the cache cannot be reached, the worker
    starts all the same, and its first requests do the rest. Then it sets all of it aside from Python's
    garbage collector."""
    from django.apps import apps
    from django.db import connections
    from django.urls import get_resolver
    from django.utils import translation

    started = time.monotonic()
    try:
        resolver = get_resolver()
        for code, _name in settings.LANGUAGES:
            with translation.override(code):  # reads the language's catalogue; URLs are reversed per language
                _ = resolver.reverse_dict
                for _prefix, namespace in resolver.namespace_dict.values():
                    _ = namespace.reverse_dict
    except Exception:  # noqa: BLE001 - a worker serves without it
        worker.log.warning("The worker could not read in the pages' code before its first request", exc_info=True)
    for config in apps.get_app_configs():
        warm_up = getattr(config, "warm_up", None)
        if warm_up is None:
            continue
        try:
            warm_up()
        except Exception:  # noqa: BLE001 - a worker serves without it
            worker.log.warning("%s: nothing read in before the first request", config.label, exc_info=True)
    connections.close_all()  # the requests' threads open their own
    # What is read in by now lives as long as the worker: Python's collector of reference cycles need not
    # look at it again. Its full passes then take a few milliseconds instead of tens, and no request waits
    # for one.
    gc.freeze()
    worker.log.info("Worker ready in %.0f ms", (time.monotonic() - started) * 1000)
