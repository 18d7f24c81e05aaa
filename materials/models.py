"""The national office's free materials, and contact points' orders of them.

Orders hold an organisation's details (who to send to, where), never a
participant's, and only the people who handle them see them: the contact
point's staff, the district office that covers it and the national office.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contactpoints.models import ContactPoint

# The languages a material can be printed in, as the site names them.
LANGUAGES = [
    ("nb", _("Bokmål")),
    ("nn", _("Nynorsk")),
    ("se", _("Northern Sami")),
    ("en", _("English")),
]
LANGUAGE_CODES = [code for code, _label in LANGUAGES]
MAX_QUANTITY = 1000


def language_label(code: str) -> str:
    return str(dict(LANGUAGES).get(code, code))


class MaterialQuerySet(models.QuerySet["Material"]):
    def orderable(self) -> "MaterialQuerySet":
        return self.filter(is_active=True)


class Material(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    # Language codes from LANGUAGES, in that order.
    languages = models.JSONField(_("languages available"), default=list)
    is_active = models.BooleanField(_("can be ordered"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title

    @property
    def language_choices(self) -> list[tuple[str, str]]:
        return [(code, language_label(code)) for code in LANGUAGE_CODES if code in self.languages]


class Order(models.Model):
    class Status(models.TextChoices):
        ORDERED = "ordered", _("Ordered, not sent yet")
        SENT = "sent", _("Sent")

    contact_point = models.ForeignKey(
        ContactPoint, on_delete=models.PROTECT, related_name="material_orders", verbose_name=_("contact point")
    )
    organisation = models.CharField(_("organisation"), max_length=200)
    contact_person = models.CharField(_("contact person"), max_length=200)
    email = models.EmailField(_("email address"))
    postal_address = models.CharField(_("postal address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4)
    place = models.CharField(_("place"), max_length=100)
    notes = models.TextField(_("notes"), blank=True, max_length=1000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ORDERED)
    # The order form carries a key, so that sending it twice makes one order.
    request_key = models.UUIDField(unique=True)
    created_at = models.DateTimeField(_("ordered"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [models.Index(fields=["status", "created_at"], name="material_order_status")]

    def __str__(self) -> str:
        return f"order {self.pk}"

    @property
    def is_sent(self) -> bool:
        return self.status == self.Status.SENT


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="order_lines")
    language = models.CharField(_("language"), max_length=3, choices=LANGUAGES)
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )

    class Meta:
        ordering = ["material__title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "material", "language"], name="one_line_per_material_language"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="orderline_quantity_at_least_1"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.material} ({self.language})"
