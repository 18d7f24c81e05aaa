"""The Celery app: ``celery -A selvhjelp worker`` and ``celery -A selvhjelp beat``."""

import logging.config
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selvhjelp.settings")

app = Celery("selvhjelp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_django_logging(**kwargs: object) -> None:
    """Workers log through Django's LOGGING, so that addresses are redacted there too.

    Connecting this signal stops Celery from replacing the root logger's
    handlers with its own, which would bypass the redaction filter.
    """
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
