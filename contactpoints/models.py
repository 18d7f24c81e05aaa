"""Geography, offices and contact points: everything about organisations.

Nothing in this module describes a participant.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

GROUP_SIZE_MIN = 4
GROUP_SIZE_MAX = 10
group_size_validators = [MinValueValidator(GROUP_SIZE_MIN), MaxValueValidator(GROUP_SIZE_MAX)]


class County(models.Model):
    number = models.CharField(_("number"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    number = models.CharField(_("number"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # Official names in other languages (Sami, Kven), so that a person who
    # searches for "Kautokeino" finds Guovdageaidnu.
    other_names = models.CharField(_("other names"), max_length=200, blank=True)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities")
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        if self.other_names:
            return f"{self.name} – {self.other_names.replace(';', ' – ')}"
        return self.name


class Office(models.Model):
    """A district office of Selvhjelp Norge, or its national head office."""

    slug = models.SlugField(_("short name"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_national = models.BooleanField(_("national office"), default=False)
    counties = models.ManyToManyField(County, blank=True, related_name="offices", verbose_name=_("counties"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="offices", verbose_name=_("members")
    )

    class Meta:
        ordering = ["-is_national", "name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name


class ContactPointQuerySet(models.QuerySet["ContactPoint"]):
    def listed(self) -> "ContactPointQuerySet":
        return self.filter(is_active=True)


class ContactPoint(models.Model):
    class Kind(models.TextChoices):
        FRIVILLIGSENTRAL = "frivilligsentral", _("Volunteer centre (frivilligsentral)")
        FRISKLIVSSENTRAL = "frisklivssentral", _("Healthy life centre (frisklivssentral)")
        VOLUNTARY_ORGANISATION = "organisation", _("Voluntary organisation")
        SELF_HELP_CENTRE = "link", _("LINK centre for self-help and coping")
        LEARNING_CENTRE = "lms", _("Learning and mastery centre")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("short name"), unique=True, max_length=80)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="contact_points", verbose_name=_("municipality")
    )
    nationwide = models.BooleanField(
        _("nationwide"), default=False, help_text=_("Runs telephone or digital groups for the whole country.")
    )
    description = models.TextField(_("about us"), blank=True, max_length=3000)
    street_address = models.CharField(_("visiting address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    post_town = models.CharField(_("post town"), max_length=100, blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True, max_length=500)
    public_email = models.EmailField(_("public email address"), blank=True)
    public_phone = models.CharField(_("public telephone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    offers_in_person = models.BooleanField(_("groups that meet in person"), default=True)
    offers_telephone = models.BooleanField(_("groups that meet by telephone"), default=False)
    show_progress = models.BooleanField(
        _("show how many are waiting"),
        default=True,
        help_text=_("Shows on the public page how many are waiting and how many more are needed."),
    )
    threshold = models.PositiveSmallIntegerField(
        _("enough to start a group"), default=5, validators=group_size_validators
    )
    seats = models.PositiveSmallIntegerField(_("seats in a group"), default=8, validators=group_size_validators)
    is_active = models.BooleanField(_("listed in the directory"), default=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="contact_points", verbose_name=_("staff")
    )
    # Set when staff were told that enough are waiting; cleared when the
    # number drops below the threshold again, so each crossing tells them once.
    enough_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    details_confirmed_at = models.DateTimeField(_("details last confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContactPointQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__gte=GROUP_SIZE_MIN, threshold__lte=GROUP_SIZE_MAX),
                name="contactpoint_threshold_4_to_10",
            ),
            models.CheckConstraint(
                condition=models.Q(seats__gte=GROUP_SIZE_MIN, seats__lte=GROUP_SIZE_MAX),
                name="contactpoint_seats_4_to_10",
            ),
            models.CheckConstraint(
                condition=models.Q(seats__gte=models.F("threshold")),
                name="contactpoint_seats_at_least_threshold",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contact_point", kwargs={"slug": self.slug})

    @property
    def county(self) -> County:
        return self.municipality.county


class Room(models.Model):
    contact_point = models.ForeignKey(ContactPoint, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("seats in the room"), default=10)
    accessibility = models.TextField(_("accessibility"), blank=True, max_length=500)

    class Meta:
        ordering = ["name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def __str__(self) -> str:
        return self.name
