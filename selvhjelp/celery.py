"""The Celery app: ``celery -A selvhjelp worker`` and ``celery -A selvhjelp beat``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selvhjelp.settings")

app = Celery("selvhjelp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
