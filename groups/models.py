"""Sign-ups, their private links and the mail the app has decided to send.

A sign-up holds only what is needed to put a mixed group together and to
write to the person: an encrypted address, an optional nickname and a few
preferences. There is no field for a name, phone number, postcode, national
identity number, problem, diagnosis or referrer, and there must never be one.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contactpoints.models import ContactPoint
from selvhjelp.crypto import EncryptedTextField

ANY = "any"


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("Meeting in person")
    TELEPHONE = "telephone", _("Meeting by telephone")
    ANY = ANY, _("Either is fine")


class TimeOfDay(models.TextChoices):
    DAYTIME = "daytime", _("Daytime")
    EVENING = "evening", _("Evening")
    ANY = ANY, _("Either is fine")


class GroupLanguage(models.TextChoices):
    NORWEGIAN = "no", _("Norwegian")
    ENGLISH = "en", _("English")
    SAMI = "se", _("Northern Sami")
    ANY = ANY, _("Any of these")


class AgeGroup(models.TextChoices):
    AGE_18_29 = "18-29", _("18–29 years")
    AGE_30_44 = "30-44", _("30–44 years")
    AGE_45_59 = "45-59", _("45–59 years")
    AGE_60_74 = "60-74", _("60–74 years")
    AGE_75 = "75+", _("75 years or older")
    ANY = ANY, _("I would rather not say")


class SignUpQuerySet(models.QuerySet["SignUp"]):
    def waiting(self) -> "SignUpQuerySet":
        return self.filter(status=SignUp.Status.WAITING)


class SignUp(models.Model):
    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Not yet confirmed")
        WAITING = "waiting", _("Waiting for a group")

    contact_point = models.ForeignKey(ContactPoint, on_delete=models.PROTECT, related_name="signups")
    email = EncryptedTextField()
    email_hash = models.CharField(max_length=64)
    nickname = models.CharField(max_length=40, blank=True)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.ANY)
    time_of_day = models.CharField(max_length=10, choices=TimeOfDay.choices, default=TimeOfDay.ANY)
    language = models.CharField(max_length=3, choices=GroupLanguage.choices, default=GroupLanguage.ANY)
    age_group = models.CharField(max_length=5, choices=AgeGroup.choices, default=AgeGroup.ANY)
    # The language the person used the site in: every email to them uses it.
    locale = models.CharField(max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNCONFIRMED)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Place in the queue. Kept when a person moves their sign-up.
    waiting_since = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)

    objects = SignUpQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact_point", "email_hash"], name="one_signup_per_address_and_place"),
        ]
        indexes = [
            models.Index(fields=["contact_point", "status", "waiting_since"], name="signup_queue"),
            models.Index(fields=["status", "created_at"], name="signup_status_created"),
        ]

    def __str__(self) -> str:
        # Never the address or nickname: this string may end up in a log.
        return f"sign-up {self.pk}"

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING


class PrivateLink(models.Model):
    """A link that opens one person's sign-up. Only its hash is stored."""

    signup = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"link {self.pk}"


class Email(models.Model):
    """An email the app has decided to send: the outbox.

    The row is written in the same transaction as the change that caused it,
    so a decision is never lost; ``sent_at`` is claimed before sending, so a
    message is sent once. The row names its recipient by reference only.
    """

    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("Confirm your sign-up")
        ALREADY_SIGNED_UP = "already", _("Already on the list")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    signup = models.ForeignKey(SignUp, null=True, blank=True, on_delete=models.CASCADE, related_name="emails")
    contact_point = models.ForeignKey(ContactPoint, null=True, blank=True, on_delete=models.CASCADE)
    dedupe_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A sender claims the row before sending; a claim older than the lease is
    # taken to belong to a worker that died, and the row is sent again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "failed_at", "created_at"], name="email_unsent")]

    def __str__(self) -> str:
        return f"{self.kind} email {self.pk}"


class MonthlyFigure(models.Model):
    """Anonymous counts per contact point and calendar month.

    Written in the same transaction as the event they count, and kept when
    the people behind them are deleted.
    """

    contact_point = models.ForeignKey(ContactPoint, on_delete=models.CASCADE, related_name="monthly_figures")
    month = models.DateField()
    signed_up = models.PositiveIntegerField(default=0)
    confirmed = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    expired = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact_point", "month"], name="one_figure_row_per_month")]

    def __str__(self) -> str:
        return f"{self.contact_point_id} {self.month:%Y-%m}"
