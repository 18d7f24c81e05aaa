"""The mail about contact points and applications, registered with the outbox:
to an office about a new application or details nobody confirmed, to staff
about their yearly check, to an organisation that applied, and to someone who
asked to be told when a contact point opens near them."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from accounts.models import User
from contactpoints import notice_links
from contactpoints.models import (
    Application,
    ApplicationQuestion,
    ContactPoint,
    NoticeRequest,
    responsible_office,
    responsible_offices,
)
from outbox import kinds, services
from outbox.models import Email
from selvhjelp.mail import build_message


def _work_message(email: Email, name: str) -> EmailMultiAlternatives | None:
    """A message to a work account (contact-point staff or an office) about a contact point or an application."""
    user = email.user
    if user is None or not user.is_active:
        return None
    contact_point, application = email.contact_point, email.application
    if email.kind == DETAILS_CHECK and contact_point is not None:
        path = reverse("staff:confirm_details", args=[contact_point.slug])
    elif email.kind == NEW_APPLICATION and application is not None:
        office = user.offices.filter(pk__in=responsible_offices(application.municipality)).first()
        if office is None:
            return None  # No longer a member of the office that handles it.
        path = reverse("figures:application", args=[office.slug, application.pk])
    elif email.kind == DETAILS_OVERDUE and contact_point is not None:
        office = user.offices.filter(counties=contact_point.municipality.county_id).first()
        path = reverse("figures:office", args=[office.slug]) if office else reverse("figures:home")
    else:
        return None
    return build_message(
        name=name,
        context={
            "contact_point": contact_point,
            "application": application,
            "link": f"{settings.SITE_URL}{path}",
            "grace_days": settings.DETAILS_CHECK_GRACE_DAYS,
            # The office told when details go unconfirmed, by its own name.
            "coordinator": responsible_office(contact_point.municipality) if contact_point else None,
        },
        to=user.email,
        locale=user.language,
    )


def _applicant_message(email: Email, name: str) -> EmailMultiAlternatives | None:
    """A message to an organisation that applied, at the address it gave; replies go to the office."""
    if email.application_id is None:
        return None
    applications = Application.objects.select_related("decided_by", "municipality")
    application = applications.filter(pk=email.application_id).first()
    if application is None:
        return None
    question = (
        ApplicationQuestion.objects.select_related("asked_by", "office").filter(pk=email.question_id).first()
        if email.question_id
        else None
    )
    # Replies go to the person at the office who asked or decided.
    replier = question.asked_by if question is not None else application.decided_by
    office = question.office if question is not None else None
    if office is None:
        office = responsible_offices(application.municipality).first()
    return build_message(
        name=name,
        context={"application": application, "question": question, "office": office},
        to=application.public_email,
        locale=application.locale,
        sender_name=office.name if office else "",
        reply_to=replier.email if replier is not None else "",
    )


def _notice_message(email: Email) -> EmailMultiAlternatives | None:
    """To someone who asked to be told when a contact point opens: the link to confirm (or, asked
    again, to remove) their request, or the notice itself. Rendered in their language when sent."""
    requests = NoticeRequest.objects.select_related("municipality__county")
    request = requests.filter(pk=email.notice_request_id).first() if email.notice_request_id else None
    if request is None:
        return None  # Removed or expired before the message went out.
    context: dict[str, object] = {
        "request": request,
        "municipality": request.municipality.display_name,
        "county": request.municipality.county.name,
        "confirm_hours": settings.SIGNUP_CONFIRM_HOURS,
        "no_reply": True,
    }
    if email.kind == NOTICE:
        contact_point = email.contact_point
        if contact_point is None:
            return None
        context["contact_point"] = contact_point
        context["link"] = f"{settings.SITE_URL}{reverse('contact_point', args=[contact_point.slug])}"
        name = "place-opened"
    else:
        token = notice_links.mint(request=request)
        context["link"] = f"{settings.SITE_URL}{notice_links.url(token)}"
        context["remove_link"] = f"{settings.SITE_URL}{notice_links.remove_url(token)}"
        name = "notice-asked-again" if request.is_confirmed else "notice-confirm"
    return build_message(name=name, context=context, to=request.email, locale=request.locale)


def _to_work_account(name: str) -> kinds.Renderer:
    return lambda email: _work_message(email, name)


def _to_applicant(name: str) -> kinds.Renderer:
    return lambda email: _applicant_message(email, name)


DETAILS_CHECK = kinds.register("details_check", _to_work_account("details-check"))
DETAILS_OVERDUE = kinds.register("details_overdue", _to_work_account("details-overdue"))
NEW_APPLICATION = kinds.register("application_new", _to_work_account("application-new"))
APPLICATION_QUESTION = kinds.register("application_question", _to_applicant("application-question"))
APPLICATION_APPROVED = kinds.register("application_approved", _to_applicant("application-approved"))
APPLICATION_DECLINED = kinds.register("application_declined", _to_applicant("application-declined"))
NOTICE_CONFIRM = kinds.register("notice_confirm", _notice_message)
NOTICE = kinds.register("place_opened", _notice_message)


def queue_for_staff(*, kind: str, contact_point: ContactPoint, key: str) -> None:
    """One message to each active staff member of the contact point; ``key`` is made unique per member."""
    member: User
    for member in contact_point.staff.filter(is_active=True):
        services.queue(kind=kind, dedupe_key=f"{key}:{member.pk}", contact_point=contact_point, user=member)
