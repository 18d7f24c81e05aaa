"""Geography, offices and contact points: everything about organisations.

Nothing in this module describes a participant. A notice request holds only
an address, encrypted, to tell once when a contact point opens near it.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from selvhjelp.crypto import EncryptedTextField

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

    def covers(self, municipality: Municipality) -> bool:
        """Whether this office handles the contact points of ``municipality``."""
        return responsible_offices(municipality).filter(pk=self.pk).exists()


def responsible_offices(municipality: Municipality) -> "models.QuerySet[Office]":
    """The district office covering the municipality's county, or the national office where none does."""
    districts = Office.objects.filter(is_national=False, counties=municipality.county_id)
    if districts.exists():
        return districts
    return Office.objects.filter(is_national=True)


def responsible_office(municipality: Municipality) -> "Office | None":
    """The office pages and emails name as the one that handles the municipality's contact points: the first
    of ``responsible_offices``, in one query."""
    either = models.Q(is_national=False, counties=municipality.county_id) | models.Q(is_national=True)
    return Office.objects.filter(either).order_by("is_national", "name").first()


def organisation_key(name: str) -> str:
    """An organisation's name as compared for duplicates: case, spacing and punctuation do not count."""
    # Case folding can lengthen a name (ß becomes ss): the key keeps to its column.
    return " ".join("".join(c if c.isalnum() else " " for c in name.casefold()).split())[:200]


def applications_handled_by(office: Office) -> "models.QuerySet[Application]":
    """The applications this office decides: from its counties, or, for the national office, from counties no
    district office covers (the same rule as ``responsible_offices``)."""
    if office.is_national:
        covered = County.objects.filter(offices__is_national=False)
        return Application.objects.exclude(municipality__county__in=covered)
    return Application.objects.filter(municipality__county__in=office.counties.all())


class Language(models.Model):
    """A language groups can be held in. The national office keeps the list;
    a contact point ticks those it can start groups in, a person those they
    can take part in. Never deleted: sign-ups refer to the codes."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    # The name in the language itself, shown to everyone whatever the page's language.
    autonym = models.CharField(_("name in the language itself"), max_length=60)
    name_nb = models.CharField(_("name in bokmål"), max_length=60)
    name_nn = models.CharField(_("name in nynorsk"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        """Its name in the page's language; pages in Northern Sami show bokmål, like the rest of the app."""
        language = translation.get_language() or settings.LANGUAGE_CODE
        if language.startswith("nn"):
            return self.name_nn
        if language.startswith("en"):
            return self.name_en
        return self.name_nb

    @property
    def label(self) -> str:
        """The autonym, and its name in the page's language where that differs: "العربية (arabisk)"."""
        name = self.name
        return self.autonym if name.casefold() == self.autonym.casefold() else f"{self.autonym} ({name})"


class ContactPointQuerySet(models.QuerySet["ContactPoint"]):
    def listed(self) -> "ContactPointQuerySet":
        """In the public directory: published by its staff and not closed."""
        return self.filter(is_active=True, closed_at=None)

    def taking_signups(self) -> "ContactPointQuerySet":
        return self.listed().filter(signups_paused_at=None)


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
        _("nationwide"), default=False, help_text=_("Runs telephone or video groups for the whole country.")
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
    offers_video = models.BooleanField(_("groups that meet by video"), default=False)
    # The languages its staff can start groups in (see contactpoints.languages.offered).
    languages = models.ManyToManyField(
        Language, blank=True, related_name="contact_points", verbose_name=_("languages groups can be held in")
    )
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
    # When staff were last asked whether the public details are still right,
    # and when the office was told that nobody answered.
    details_check_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    details_overdue_reported_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when staff first published the page of a new contact point.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    signups_paused_at = models.DateTimeField(_("new sign-ups paused"), null=True, blank=True)
    pause_message = models.TextField(_("message while paused"), blank=True, max_length=500)
    # A closed contact point is not listed; the people waiting there were
    # offered other places, and what is left of their sign-ups is deleted later.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
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

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def signups_paused(self) -> bool:
        return self.signups_paused_at is not None

    @property
    def signups_deleted_on(self) -> datetime.datetime | None:
        """When the sign-ups left at a closed contact point are deleted."""
        if self.closed_at is None:
            return None
        return self.closed_at + datetime.timedelta(days=settings.CLOSED_SIGNUPS_KEPT_DAYS)

    @property
    def details_check_pending(self) -> bool:
        """Staff were asked to confirm the public details and have not done so since."""
        asked = self.details_check_sent_at
        return asked is not None and (self.details_confirmed_at is None or self.details_confirmed_at < asked)

    @property
    def details_overdue(self) -> bool:
        """Not confirmed for longer than the grace period after staff were asked."""
        if not self.details_check_pending:
            return False
        asked = self.details_check_sent_at
        return asked is not None and timezone.now() >= asked + datetime.timedelta(
            days=settings.DETAILS_CHECK_GRACE_DAYS
        )


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


class Application(models.Model):
    """An organisation's application to become a contact point, decided by its district office."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    organisation = models.CharField(_("organisation"), max_length=200)
    # The name as compared for duplicates (see organisation_key).
    organisation_key = models.CharField(max_length=200, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ContactPoint.Kind.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="applications", verbose_name=_("municipality")
    )
    street_address = models.CharField(_("visiting address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    post_town = models.CharField(_("post town"), max_length=100, blank=True)
    public_email = models.EmailField(_("public email address"))
    public_phone = models.CharField(_("public telephone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    first_staff_email = models.EmailField(_("work email of the first staff member"))
    offers_in_person = models.BooleanField(_("groups that meet in person"), default=True)
    offers_telephone = models.BooleanField(_("groups that meet by telephone"), default=False)
    offers_video = models.BooleanField(_("groups that meet by video"), default=False)
    about = models.TextField(_("about the organisation"), blank=True, max_length=2000)
    # The language the application was written in: mail about it uses it.
    locale = models.CharField(max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(_("reason"), blank=True, max_length=2000)
    contact_point = models.OneToOneField(
        ContactPoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="application"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "organisation_key"],
                condition=models.Q(status="pending"),
                name="one_pending_application_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.organisation

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class ApplicationQuestion(models.Model):
    """A question an office asked the applicant by email; the answer comes back by ordinary email."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="questions")
    body = models.TextField(_("question"), max_length=2000)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"question {self.pk}"


class NoticeRequest(models.Model):
    """Someone asked to be told, once, when a contact point opens in a municipality or its county.

    Never shown to staff, offices or the admin. Deleted once the notice is sent, when the
    person removes it, unconfirmed after ``SIGNUP_CONFIRM_HOURS``, or confirmed after
    twelve months (``contactpoints.notices``).
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="notice_requests")
    email = EncryptedTextField()
    # A keyed hash: one request per address and municipality, without the address in clear.
    email_hash = models.CharField(max_length=64)
    locale = models.CharField(max_length=10)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The link in the latest email, as a hash only: a copy of the database opens nothing.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "email_hash"], name="one_notice_request_per_address"),
        ]

    def __str__(self) -> str:
        return f"notice request {self.pk}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
