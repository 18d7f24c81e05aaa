"""Sign-ups, their private links, groups and invitations.

A sign-up holds only what is needed to put a mixed group together and to
write to the person: an encrypted address, an optional nickname and a few
preferences. There is no field for a name, phone number, postcode, national
identity number, problem, diagnosis or referrer, and there must never be one.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contactpoints import languages
from contactpoints.models import ContactPoint
from selvhjelp.crypto import EncryptedTextField

ANY = "any"


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("Meeting in person")
    TELEPHONE = "telephone", _("Meeting by telephone")
    VIDEO = "video", _("Meeting by video")
    ANY = ANY, _("Any of these")


class TimeOfDay(models.TextChoices):
    DAYTIME = "daytime", _("Daytime")
    EVENING = "evening", _("Evening")
    ANY = ANY, _("Either is fine")


class AgeGroup(models.TextChoices):
    AGE_18_29 = "18-29", _("18–29 years")
    AGE_30_44 = "30-44", _("30–44 years")
    AGE_45_59 = "45-59", _("45–59 years")
    AGE_60_74 = "60-74", _("60–74 years")
    AGE_75 = "75+", _("75 years or older")
    ANY = ANY, _("I would rather not say")


# A group may leave its ages open: it then seats only people who did not give
# their age. Groups started before people ticked languages may have left the
# language open ("any"): those seat people who ticked all of the first three.
LANGUAGE_OPEN_LABEL = _("Language: the group decides")


def the_first_three() -> list[str]:
    """What "any of these" meant before people ticked languages: Norwegian, English, Northern Sami."""
    return sorted(languages.FIRST_THREE)


GROUP_AGES = [*AgeGroup.choices[:5], (ANY, _("Mixed ages"))]


class SignUpQuerySet(models.QuerySet["SignUp"]):
    def waiting(self) -> "SignUpQuerySet":
        return self.filter(status=SignUp.Status.WAITING)

    def queue_order(self) -> "SignUpQuerySet":
        """Longest-waiting first; the id breaks ties so the order is stable."""
        return self.order_by("waiting_since", "pk")


class SignUp(models.Model):
    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Not yet confirmed")
        WAITING = "waiting", _("Waiting for a group")
        INVITED = "invited", _("Invited to a group")
        ACCEPTED = "accepted", _("Said yes to a group")

    contact_point = models.ForeignKey(ContactPoint, on_delete=models.PROTECT, related_name="signups")
    email = EncryptedTextField()
    email_hash = models.CharField(max_length=64)
    # Encrypted like the address: the name a person goes by can point to them.
    nickname = EncryptedTextField(blank=True)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.ANY)
    time_of_day = models.CharField(max_length=10, choices=TimeOfDay.choices, default=TimeOfDay.ANY)
    # The codes of every language the person can take part in (contactpoints.Language), sorted;
    # never empty. A JSON list, so that it is the same on PostgreSQL and SQLite.
    languages = models.JSONField(default=the_first_three)
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
    # When the person was offered, once, to move their place to a nationwide list.
    move_offered_at = models.DateTimeField(null=True, blank=True)
    # The forming group this person said "not this time" to, or let lapse:
    # they are not offered the same seat again. Cleared at hand-off.
    passed_on_group = models.ForeignKey("Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The contact points whose lists this person left by saying yes to a group here, for the
    # email that says so. Deleted with the sign-up.
    left_lists = models.JSONField(default=list, blank=True)

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


class IncomingSignUp(models.Model):
    """A sign-up the public form has accepted, until it is recorded in the background.

    The form writes one of these for every sign-up it accepts, whether or not
    the address is known, and nothing else; whether the address is already on
    the list is found out afterwards, by ``services.record_incoming``, which
    deletes the row. So the page, its timing and its database work are the same
    for a known address and a new one.
    """

    contact_point = models.ForeignKey(ContactPoint, on_delete=models.CASCADE, related_name="+")
    email = EncryptedTextField()
    # Encrypted like the address: the name a person goes by can point to them.
    nickname = EncryptedTextField(blank=True)
    format = models.CharField(max_length=10, choices=Format.choices)
    time_of_day = models.CharField(max_length=10, choices=TimeOfDay.choices)
    languages = models.JSONField(default=the_first_three)
    age_group = models.CharField(max_length=5, choices=AgeGroup.choices)
    locale = models.CharField(max_length=10, choices=settings.LANGUAGES)
    # The ids of at most two more contact points whose lists the person asked to be on as well.
    also_at = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The id of the request that sent it (a random token, never about the person): the lines the worker
    # logs while recording it, and the tasks it queues, carry it, as if the request had queued them.
    request_id = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"incoming sign-up {self.pk}"


class NoticeHold(models.Model):
    """Sign-ups at a contact point came unusually fast, so its automatic
    "enough are waiting" notice waits until its staff have looked.

    Someone who makes up many sign-ups could otherwise get a group started
    and learn where and when it meets. A hold names no person; staff release
    it, and then the notice is sent as usual if enough are waiting.
    """

    contact_point = models.ForeignKey(ContactPoint, on_delete=models.CASCADE, related_name="notice_holds")
    held_at = models.DateTimeField(default=timezone.now)
    # The form also turned sign-ups away for a while (the contact point's limit).
    turned_away = models.BooleanField(default=False)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contact_point"], condition=models.Q(released_at=None), name="one_open_notice_hold_per_place"
            )
        ]

    def __str__(self) -> str:
        return f"notice hold {self.pk}"


class Group(models.Model):
    """A group a contact point has started. It names no member.

    While it forms, its members are reached through invitations; once handed
    off, only anonymous facts remain: where, how, when, how many, how long
    its members waited.
    """

    class Status(models.TextChoices):
        FORMING = "forming", _("Inviting members")
        HANDING_OFF = "handing_off", _("Handing over to the members")
        HANDED_OFF = "handed_off", _("Started")
        # Staff called it off before it started; everyone invited went back on the list.
        CANCELLED = "cancelled", _("Cancelled")

    contact_point = models.ForeignKey(ContactPoint, on_delete=models.PROTECT, related_name="groups")
    format = models.CharField(_("how the group meets"), max_length=10, choices=Format.choices[:3])
    time_of_day = models.CharField(_("time of day"), max_length=10, choices=TimeOfDay.choices[:2])
    # One language code (contactpoints.Language), or "any" for a group started before people ticked languages.
    language = models.CharField(_("language"), max_length=8)
    age_group = models.CharField(_("age group"), max_length=5, choices=GROUP_AGES)
    first_meeting = models.DateTimeField(_("first meeting"))
    room = models.ForeignKey(
        "contactpoints.Room", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("room")
    )
    place_details = models.TextField(_("where, or how to call in"), blank=True, max_length=1000)
    # How to join a video group: a secret for the members who said yes, never in
    # the invitation sent to everyone; erased with the members at hand-off.
    joining_link = EncryptedTextField(_("link to the video meeting"), blank=True)
    joining_details = EncryptedTextField(_("how to join"), blank=True)
    # When the contact point meets the group again, if it will (for example six
    # weeks in). A date for the group, not a record of who is in it.
    follow_up = models.DateTimeField(_("follow-up meeting"), null=True, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"))
    starter_present = models.BooleanField(_("a starter comes to the first meetings"), default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.FORMING)
    # A form submitted twice carries the same key, so it starts one group.
    request_key = models.UUIDField(unique=True)
    # How many times staff have moved the first meeting: each move tells everyone
    # invited once (it is part of the mail's dedupe key), and a form made before
    # the latest move is refused rather than undoing it.
    changes = models.PositiveSmallIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    # Anonymous counts kept as the group forms.
    declined = models.PositiveSmallIntegerField(default=0)
    expired = models.PositiveSmallIntegerField(default=0)
    # Filled in at hand-off.
    handed_off_at = models.DateTimeField(null=True, blank=True)
    members_at_start = models.PositiveSmallIntegerField(null=True, blank=True)
    median_days_waited = models.PositiveIntegerField(null=True, blank=True)
    # The month a started group counts in (``groups.monthly.count``): that of its first meeting,
    # or the open month if that one was final when it was handed off.
    counted_in = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-first_meeting"]
        indexes = [models.Index(fields=["status", "first_meeting"], name="group_due")]

    def __str__(self) -> str:
        return f"group {self.pk}"

    def get_language_display(self) -> str:
        if self.language == ANY:
            return str(LANGUAGE_OPEN_LABEL)
        return languages.name(self.language)

    @property
    def is_forming(self) -> bool:
        return self.status == self.Status.FORMING


# What a group keeps only while it has members: emptied when they are deleted
# at hand-off, or go back on the list when the group is cancelled.
ERASED_WITH_THE_MEMBERS = {"joining_link": "", "joining_details": ""}


class Invitation(models.Model):
    """A seat offered to one waiting person. Declined or expired, it is deleted."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not answered yet")
        ACCEPTED = "accepted", _("Said yes")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    # One invitation per person at a time: nobody can be in two groups.
    signup = models.OneToOneField(SignUp, on_delete=models.CASCADE, related_name="invitation")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    reply_by = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "reply_by"], name="invitation_due")]

    def __str__(self) -> str:
        return f"invitation {self.pk}"


class Broadcast(models.Model):
    """A short message from a contact point to everyone waiting there."""

    contact_point = models.ForeignKey(ContactPoint, on_delete=models.CASCADE, related_name="broadcasts")
    body = models.TextField(_("message"), max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"message {self.pk}"


class PrivateLink(models.Model):
    """A link that opens one person's sign-up. Only its hash is stored."""

    signup = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"link {self.pk}"


class AddressExchange(models.Model):
    """After a group's first meeting, a member who said yes may choose, from the
    link in their getting-started guide, to share their address with the others
    who were there and want to share too. Only they see it, on that page, and every
    row goes ``ADDRESS_EXCHANGE_DAYS`` after the first meeting.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="exchanges")
    # Whose guide carries the link; the sign-up itself goes once the guides are sent.
    signup = models.OneToOneField(SignUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The link is made when the guide is sent; only its hash is kept.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    email = EncryptedTextField()
    nickname = EncryptedTextField(blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"address exchange {self.pk}"


class ProgressSnapshot(models.Model):
    """How many wait at a contact point, as its public page says it: taken at
    most once a day (``groups.selectors.progress``).

    Counted live, the page would show each sign-up and withdrawal as it
    happened, and whoever saw someone sign up could tie the change to them.
    """

    contact_point = models.OneToOneField(
        ContactPoint, on_delete=models.CASCADE, primary_key=True, related_name="progress_snapshot"
    )
    # People waiting for the best-filled group plan, when it was taken.
    waiting = models.PositiveIntegerField()
    taken_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"progress at {self.contact_point_id}"


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
    # Sign-ups removed because mail to them bounced or was reported as spam.
    undeliverable = models.PositiveIntegerField(default=0)
    # Waiting people who moved their place (keeping their waiting time) away
    # from this contact point, or to it.
    moved_out = models.PositiveIntegerField(default=0)
    moved_in = models.PositiveIntegerField(default=0)
    invited = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    declined = models.PositiveIntegerField(default=0)
    groups_started = models.PositiveIntegerField(default=0)
    members_at_start = models.PositiveIntegerField(default=0)
    # Sum of days waited by members at start; with members_at_start, an average.
    days_waited = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact_point", "month"], name="one_figure_row_per_month")]

    def __str__(self) -> str:
        return f"{self.contact_point_id} {self.month:%Y-%m}"
