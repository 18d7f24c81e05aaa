"""Deployment checks of our own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import Error, Tags, Warning, register

LOCAL_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}


@register(Tags.security, deploy=True)
def email_goes_to_a_provider(app_configs: object = None, **kwargs: object) -> list[Warning]:
    """The console and file backends write whole messages, addresses and
    private links included, where logs and disks keep them."""
    if settings.EMAIL_BACKEND in LOCAL_EMAIL_BACKENDS:
        return [
            Warning(
                "EMAIL_BACKEND writes mail to the console or to files, addresses and private links included.",
                hint="Set EMAIL_BACKEND to an anymail backend for your mail provider (see README).",
                id="selvhjelp.W001",
            )
        ]
    return []


PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security, deploy=True)
def limits_are_shared_by_every_process(app_configs: object = None, **kwargs: object) -> list[Warning]:
    """The sign-up form's rate limits count in the cache. A cache of one
    process's own lets every further web process (and every restart) take
    as many sign-ups again."""
    if settings.CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES:
        return [
            Warning(
                "The cache is kept in each process, so the sign-up form's rate limits are counted per process.",
                hint="Set CACHE_URL to a Redis database that every web process shares, e.g. redis://127.0.0.1:6379/1.",
                id="selvhjelp.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def client_addresses_come_through_the_proxy(app_configs: object = None, **kwargs: object) -> list[Warning]:
    """Production runs behind a TLS-terminating proxy (SECURE_PROXY_SSL_HEADER).
    Without TRUSTED_PROXY_COUNT every request seems to come from the proxy, so
    all clients share one count under the sign-up form's limit per address."""
    if not settings.DEBUG and settings.TRUSTED_PROXY_COUNT <= 0:
        return [
            Warning(
                "TRUSTED_PROXY_COUNT is 0, so every client seems to come from the proxy's address "
                "and all share one rate limit.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of the app (usually 1).",
                id="selvhjelp.W003",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def background_work_runs_outside_requests(app_configs: object = None, **kwargs: object) -> list[Warning]:
    """Without a broker, tasks run inside the request that queued them. The
    sign-up form then records the sign-up while the person waits, and how
    long that takes tells a known address from a new one."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return [
            Warning(
                "CELERY_BROKER_URL is not set, so background work runs inside web requests: the time the "
                "sign-up form takes can then tell whether an address is already signed up.",
                hint="Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) and run a worker and beat (README).",
                id="selvhjelp.W004",
            )
        ]
    return []


@register(Tags.staticfiles, deploy=True)
def static_files_are_collected(app_configs: object = None, **kwargs: object) -> list[Error]:
    """With DEBUG off, pages link static files by the hashed names in the
    manifest that `collectstatic` writes to STATIC_ROOT (whitenoise's
    CompressedManifestStaticFilesStorage). Without it, every page answers 500."""
    storage = staticfiles_storage
    if settings.DEBUG or not isinstance(storage, ManifestFilesMixin):
        return []
    if storage.manifest_storage.exists(storage.manifest_name):
        return []
    return [
        Error(
            f"The static files manifest ({storage.manifest_name}) is missing from STATIC_ROOT "
            f"({settings.STATIC_ROOT}), so every page would answer 500.",
            hint="Run `python manage.py collectstatic --noinput` with these settings before starting the app "
            "(bin/stack does).",
            id="selvhjelp.E001",
        )
    ]
