"""A person moves their own place, with the button on their private page:
their contact point closed, or they took up the offer of a nationwide list."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from contactpoints.models import ContactPoint
from groups import links, selectors
from groups.models import SignUp
from groups.services.moving import MoveError, MoveResult, move_place, move_to_nationwide


def _move(signup: SignUp, target: ContactPoint | None) -> ContactPoint:
    """Move the place to ``target`` if this person was offered it; raise MoveError with what to tell them if not."""
    if target is not None and selectors.move_offers(signup).allows(target):
        move_place(signup=signup, to=target)  # their contact point closed
        return target
    result = move_to_nationwide(signup=signup, to=target) if target else None
    if target is not None and result == MoveResult.ALREADY_THERE:
        raise MoveError(_("You are already on the list at %(name)s.") % {"name": target.name})
    if target is None or result != MoveResult.MOVED:
        raise MoveError(_("Your place could not be moved. It is where it was."))
    return target


def move(request: HttpRequest, signup: SignUp, token: str) -> HttpResponse:
    # Only the person, with their own link and this button, can move their place.
    target = ContactPoint.objects.filter(slug=request.POST.get("to", "")).first()
    try:
        moved_to = _move(signup, target)
    except MoveError as error:
        messages.warning(request, str(error))
    else:
        moved = _("Your place is moved to %(name)s. You keep the time you have waited.")
        messages.success(request, moved % {"name": moved_to.name})
    return redirect(links.url(token))
