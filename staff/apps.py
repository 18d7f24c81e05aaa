from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The pages contact-point staff work in. No models: staff act through the workflows below."""

    name = "staff"
    verbose_name = _("Contact-point staff")
