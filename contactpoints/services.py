"""The life of a contact point: an organisation applies, its office decides,
staff publish its page and keep it right, invite colleagues, pause new
sign-ups, and close it. Each workflow is one transaction."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.invitations import invite
from accounts.models import User
from contactpoints import emails, notices
from contactpoints.locking import lock_contact_point
from contactpoints.models import (
    Application,
    ApplicationQuestion,
    ContactPoint,
    Office,
    organisation_key,
    responsible_office,
    responsible_offices,
)
from outbox import services as outbox
from selvhjelp import pagecache


class ContactPointError(Exception):
    """A change could not be made; the message says why, for the person who asked."""


def _existing_contact_point(*, name: str, municipality_id: int) -> ContactPoint | None:
    key = organisation_key(name)
    for point in ContactPoint.objects.filter(municipality_id=municipality_id, closed_at=None):
        if organisation_key(point.name) == key:
            return point
    return None


def _duplicate_message(application: Application) -> str | None:
    names = {"organisation": application.organisation, "municipality": application.municipality.name}
    if _existing_contact_point(name=application.organisation, municipality_id=application.municipality_id):
        return (
            _(
                "%(organisation)s in %(municipality)s is already a contact point. "
                "Its staff can invite you as a colleague."
            )
            % names
        )
    if Application.objects.filter(
        municipality_id=application.municipality_id,
        organisation_key=organisation_key(application.organisation),
        status=Application.Status.PENDING,
    ).exists():
        office = responsible_office(application.municipality)
        if office is None:
            return _("An application from %(organisation)s in %(municipality)s has already been received.") % names
        return _(
            "An application from %(organisation)s in %(municipality)s has already been received. "
            "%(office)s will be in touch."
        ) % {**names, "office": office.name}
    return None


def apply(*, application: Application) -> Application:
    """Receive an organisation's application and tell the office that handles it."""
    application.organisation_key = organisation_key(application.organisation)
    if message := _duplicate_message(application):
        raise ContactPointError(message)
    try:
        with transaction.atomic():
            application.save()
            for office in responsible_offices(application.municipality):
                for member in office.members.filter(is_active=True):
                    outbox.queue(
                        kind=emails.NEW_APPLICATION,
                        dedupe_key=f"application-new:{application.pk}:{member.pk}",
                        contact_point=None,
                        user=member,
                        application=application,
                    )
    except IntegrityError:
        # The same application sent twice at once: the first one counts.
        application.pk = None
        raise ContactPointError(
            _duplicate_message(application) or _("This application was already received.")
        ) from None
    return application


def _decidable(*, application: Application, office: Office) -> Application:
    """The application, locked, if this office may decide it and it is still open."""
    locked = Application.objects.select_for_update().select_related("municipality__county").get(pk=application.pk)
    if not office.covers(locked.municipality):
        raise ContactPointError(
            _("%(office)s does not cover %(municipality)s in %(county)s. Nothing was changed.")
            % {
                "office": office.name,
                "municipality": locked.municipality.name,
                "county": locked.municipality.county.name,
            }
        )
    if not locked.is_pending:
        raise ContactPointError(_("This application has already been decided. Nothing was changed."))
    return locked


# Letters that do not decompose into a base letter and an accent, which slugify would drop.
NORDIC_LETTERS = str.maketrans(
    {"æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ŋ": "n", "Ŋ": "n", "ŧ": "t", "Ŧ": "t"}
)


def _slug(text: str) -> str:
    return slugify(text.translate(NORDIC_LETTERS))


# Addresses under /kontaktpunkter/ that are pages of their own, not a contact point's.
RESERVED_SLUGS = frozenset({"varsle"})


def _unique_slug(name: str, municipality_name: str) -> str:
    base = _slug(name)[:70].strip("-") or "kontaktpunkt"
    for candidate in (base, f"{base}-{_slug(municipality_name)}"[:76].strip("-")):
        if candidate not in RESERVED_SLUGS and not ContactPoint.objects.filter(slug=candidate).exists():
            return candidate
    number = 2
    while ContactPoint.objects.filter(slug=f"{base}-{number}").exists():
        number += 1
    return f"{base}-{number}"


def approve(*, application: Application, office: Office, by: User) -> ContactPoint:
    """Approve an application: the contact point is made, not yet listed, and its first staff member invited."""
    now = timezone.now()
    with transaction.atomic():
        application = _decidable(application=application, office=office)
        if _existing_contact_point(name=application.organisation, municipality_id=application.municipality_id):
            raise ContactPointError(
                _("%(organisation)s in %(municipality)s is already a contact point. Nothing was changed.")
                % {"organisation": application.organisation, "municipality": application.municipality.name}
            )
        point = ContactPoint.objects.create(
            slug=_unique_slug(application.organisation, application.municipality.name),
            name=application.organisation,
            kind=application.kind,
            municipality=application.municipality,
            street_address=application.street_address,
            postcode=application.postcode,
            post_town=application.post_town,
            public_email=application.public_email,
            public_phone=application.public_phone,
            website=application.website,
            offers_in_person=application.offers_in_person,
            offers_telephone=application.offers_telephone,
            offers_video=application.offers_video,
            is_active=False,
        )
        Application.objects.filter(pk=application.pk).update(
            status=Application.Status.APPROVED, decided_at=now, decided_by=by, contact_point=point
        )
        invite_colleague(contact_point=point, email=application.first_staff_email, by=by)
        outbox.queue(
            kind=emails.APPLICATION_APPROVED,
            dedupe_key=f"application-approved:{application.pk}",
            contact_point=point,
            application=application,
        )
    return point


def decline(*, application: Application, office: Office, by: User, reason: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        application = _decidable(application=application, office=office)
        Application.objects.filter(pk=application.pk).update(
            status=Application.Status.DECLINED, decided_at=now, decided_by=by, decision_note=reason
        )
        application.decision_note = reason
        outbox.queue(
            kind=emails.APPLICATION_DECLINED,
            dedupe_key=f"application-declined:{application.pk}",
            contact_point=None,
            application=application,
        )


def ask(*, application: Application, office: Office, by: User, body: str) -> ApplicationQuestion:
    """Email the applicant a question; their answer comes by email to the office member who asked."""
    with transaction.atomic():
        application = _decidable(application=application, office=office)
        question = ApplicationQuestion.objects.create(application=application, body=body, asked_by=by, office=office)
        outbox.queue(
            kind=emails.APPLICATION_QUESTION,
            dedupe_key=f"application-question:{question.pk}",
            contact_point=None,
            application=application,
            question=question,
        )
    return question


@dataclass(frozen=True)
class ChecklistItem:
    label: str | Promise
    done: bool
    url_name: str


MIN_DESCRIPTION = 40


def checklist(contact_point: ContactPoint) -> list[ChecklistItem]:
    """What a new contact point's public page needs before people can find it."""
    point = contact_point
    items = [
        ChecklistItem(
            gettext_lazy("A few sentences about who you are and how you help people start a group"),
            len(point.description.strip()) >= MIN_DESCRIPTION,
            "staff:edit",
        ),
        ChecklistItem(
            gettext_lazy("When people can reach you (opening hours)"), bool(point.opening_hours.strip()), "staff:edit"
        ),
        ChecklistItem(
            gettext_lazy("A public email address or telephone number"),
            bool(point.public_email or point.public_phone),
            "staff:edit",
        ),
    ]
    if point.offers_in_person:
        items += [
            ChecklistItem(
                gettext_lazy("Your visiting address, with postcode and town"),
                bool(point.street_address and point.postcode and point.post_town),
                "staff:edit",
            ),
            ChecklistItem(gettext_lazy("A room where groups can meet"), point.rooms.exists(), "staff:rooms"),
        ]
    return items


def publish(*, contact_point: ContactPoint) -> bool:
    """List a new contact point in the directory, once its page is complete, and tell those who asked
    to hear when one opens there (``notices.notify``). Returns False if it was listed already."""
    with transaction.atomic():
        lock_contact_point(contact_point.pk)
        point = ContactPoint.objects.get(pk=contact_point.pk)
        if point.is_closed:
            raise ContactPointError(_("This contact point is closed."))
        if not all(item.done for item in checklist(point)):
            raise ContactPointError(_("The public page is not complete yet: see the list below."))
        if point.is_published and point.is_active:
            return False
        now = timezone.now()
        ContactPoint.objects.filter(pk=point.pk).update(
            is_active=True, published_at=point.published_at or now, details_confirmed_at=now
        )
        pagecache.bump()
        # Those who asked to be told when a place opens here or in the county hear of it once.
        notices.notify(contact_point=point)
    contact_point.refresh_from_db()
    return True


def confirm_details(*, contact_point: ContactPoint) -> None:
    """Staff say the public details are still right."""
    ContactPoint.objects.filter(pk=contact_point.pk).update(details_confirmed_at=timezone.now())
    pagecache.bump()
    contact_point.refresh_from_db()


def check_details(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Once a year, ask staff whether their public details are still right; when
    nobody has confirmed them within the grace period, tell the office.

    Returns (contact points asked, contact points reported). Run as often as
    you like: each question and each report is claimed once.
    """
    now = now or timezone.now()
    year_ago = now - datetime.timedelta(days=settings.DETAILS_CHECK_EVERY_DAYS)
    grace_ago = now - datetime.timedelta(days=settings.DETAILS_CHECK_GRACE_DAYS)
    listed = ContactPoint.objects.listed()
    due = listed.filter(Q(details_confirmed_at=None) | Q(details_confirmed_at__lt=year_ago)).filter(
        Q(details_check_sent_at=None) | Q(details_check_sent_at__lt=year_ago)
    )
    asked = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = due.filter(pk=pk).update(details_check_sent_at=now, details_overdue_reported_at=None)
            if not claimed:
                continue
            pagecache.bump()  # in a while, the page says when the details were last confirmed
            point = ContactPoint.objects.get(pk=pk)
            emails.queue_for_staff(
                kind=emails.DETAILS_CHECK, contact_point=point, key=f"details-check:{pk}:{now:%Y%m%d}"
            )
            asked += 1
    overdue = listed.filter(details_check_sent_at__lte=grace_ago, details_overdue_reported_at=None).filter(
        Q(details_confirmed_at=None) | Q(details_confirmed_at__lt=F("details_check_sent_at"))
    )
    reported = 0
    for pk in list(overdue.values_list("pk", flat=True)):
        with transaction.atomic():
            if not overdue.filter(pk=pk).update(details_overdue_reported_at=now):
                continue
            point = ContactPoint.objects.select_related("municipality").get(pk=pk)
            for office in responsible_offices(point.municipality):
                for member in office.members.filter(is_active=True):
                    outbox.queue(
                        kind=emails.DETAILS_OVERDUE,
                        dedupe_key=f"details-overdue:{pk}:{member.pk}:{now:%Y%m%d}",
                        contact_point=point,
                        user=member,
                    )
            reported += 1
    return asked, reported


def invite_colleague(*, contact_point: ContactPoint, email: str, by: User | None) -> User:
    """Add someone to a contact point's staff; an account without a password gets a link to choose one."""
    with transaction.atomic():
        user = invite(email=email, invited_by=by)
        contact_point.staff.add(user)
    return user
