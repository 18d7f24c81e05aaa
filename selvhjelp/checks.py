"""Deployment checks of our own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

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
