"""Leaving the list, asked first. "Leave the list", "remove me from the list"
and "no, delete my sign-up" lead to a page that says what leaving does now;
only its one button does it. Opening the page changes nothing, and neither
does a press of the private page's old one-step buttons: they show it too."""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from groups import links
from groups.models import Invitation, PrivateLink, SignUp
from groups.selectors import made_together
from groups.services import signing_up
from groups.services.answering import Answer, answer
from selvhjelp.crypto import token_hash
from selvhjelp.i18n import speak_their_language

# The page that says a sign-up is deleted gets the person's language in its address: it has no sign-up to ask.
LANGUAGE_PARAMETER = "sprak"


@dataclass(frozen=True, kw_only=True)
class Leaving:
    """What pressing the button does now, as the page tells the person."""

    signup: SignUp
    invitation: Invitation | None
    now: datetime.datetime

    @classmethod
    def of(cls, signup: SignUp) -> "Leaving":
        invitation = Invitation.objects.select_related("group").filter(signup_id=signup.pk).first()
        return cls(signup=signup, invitation=invitation, now=timezone.now())

    @property
    def unconfirmed(self) -> bool:
        return self.signup.status == SignUp.Status.UNCONFIRMED

    @property
    def seat_passes_on(self) -> bool:
        """Invited to a group that has not met: the seat goes to the next person waiting."""
        group = self.invitation.group if self.invitation else None
        return group is not None and group.is_forming and group.first_meeting > self.now

    @property
    def too_late(self) -> bool:
        """Invited to a group that has met: the invitation can no longer be answered (hand-off sees to it)."""
        return self.invitation is not None and not self.seat_passes_on

    @property
    def key(self) -> str:
        """What the page said, sent back with the button: if it no longer holds, nothing is deleted."""
        kind = "unconfirmed" if self.unconfirmed else "late" if self.too_late else "seat" if self.invitation else "list"
        invitation = self.invitation.pk if self.invitation else 0
        return f"{kind}-{self.signup.contact_point_id}-{invitation}-{self.signup.pk}"

    def carry_out(self) -> bool:
        if self.too_late:
            return False
        if self.invitation is not None:
            return answer(signup=self.signup, reply=Answer.REMOVE_ME)
        if self.unconfirmed:
            # "No, delete my sign-up" before confirming: every list the same form put the person on.
            for signup in made_together(self.signup):
                signing_up.withdraw(signup=signup)
            return True
        signing_up.withdraw(signup=self.signup)
        return True


def withdrawn(request: HttpRequest) -> HttpResponse:
    """On to the page that says the sign-up is deleted, in the language this request speaks (the person's)."""
    return redirect(f"{reverse('withdrawn')}?{urlencode({LANGUAGE_PARAMETER: request.LANGUAGE_CODE})}")


def confirmation(
    request: HttpRequest, signup: SignUp, token: str, *, changed: bool = False, place: int | None = None
) -> HttpResponse:
    """The page that asks first. Also what the private page's old one-step buttons get."""
    action_url = reverse("withdraw_place", args=[token, place]) if place else reverse("withdraw", args=[token])
    context = {
        "signup": signup,
        "contact_point": signup.contact_point,
        "leaving": Leaving.of(signup),
        # Places on other lists, which leaving this one keeps.
        "others": SignUp.objects.filter(email_hash=signup.email_hash)
        .exclude(pk=signup.pk)
        .exclude(pk__in=made_together(signup).values("pk"))
        .exists(),
        "changed": changed,
        "action_url": action_url,
        "back_url": links.url(token),
    }
    return render(request, "groups/confirm_withdraw.html", context)


def _no_sign_up(request: HttpRequest, token: str) -> HttpResponse:
    # A link whose sign-up is deleted is deleted with it. So a second press
    # of the button (a double click) finds no link at all, and is told what
    # the first press did; an expired link to a sign-up that lives is not.
    if request.method == "POST" and not PrivateLink.objects.filter(token_hash=token_hash(token)).exists():
        return withdrawn(request)
    return render(request, "groups/link_invalid.html", status=404)


def _place(opened: SignUp, place: int | None) -> SignUp | None:
    """The sign-up to leave: the one the link opens, or the same address's at the contact point ``place``."""
    if place is None or place == opened.contact_point_id:
        return opened
    return (
        SignUp.objects.select_related("contact_point")
        .filter(email_hash=opened.email_hash, contact_point_id=place)
        .first()
    )


def _left(request: HttpRequest, token: str, name: str) -> HttpResponse:
    """After leaving a list: the private page while the link opens another place; else the page that says so."""
    if links.resolve(token) is None:
        return withdrawn(request)
    messages.success(request, _("You have left the list at %(name)s.") % {"name": name})
    return redirect(links.url(token))


@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, token: str, place: int | None = None) -> HttpResponse:
    """/p/<token>/trekk/ (and /trekk/<place>/, one of the person's other lists): says what leaving
    does; its button, and only it, deletes the sign-up."""
    opened = links.resolve(token)
    if opened is None:
        return _no_sign_up(request, token)
    speak_their_language(request, opened.locale)
    signup = _place(opened, place)
    if signup is None:  # Not on that list (any more): nothing to leave.
        return redirect(links.url(token))
    if request.method == "GET":
        return confirmation(request, signup, token, place=place)
    seen, leaving = request.POST.get("seen", ""), Leaving.of(signup)
    if seen == leaving.key and leaving.carry_out():
        return _left(request, token, signup.contact_point.name)
    if not SignUp.objects.filter(pk=signup.pk).exists():
        return _left(request, token, signup.contact_point.name)  # Pressed twice at once: the other press deleted it.
    if seen.count("-") == 3 and seen.rsplit("-", 1)[1] != str(signup.pk):
        return redirect(links.url(token))  # The page was about a place that is gone; the link opens another now.
    # Something changed since the page was opened (or it was not sent from the page): ask again.
    return confirmation(request, signup, token, changed=bool(seen), place=place)
