"""Pausing new sign-ups for a while, and closing a contact point for good.
The people waiting are told; only they can move their place."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts.http import SignedInRequest
from contactpoints.access import staff_view
from contactpoints.models import ContactPoint
from contactpoints.services import ContactPointError
from groups.models import SignUp
from groups.services import pausing_and_closing
from staff.forms import CloseForm, PauseForm


def _paused_text(told: int) -> str:
    return (
        _("New sign-ups are paused.")
        + " "
        + ngettext(
            "%(count)s person waiting is told that they keep their place.",
            "%(count)s people waiting are told that they keep their place.",
            told,
        )
        % {"count": told}
    )


def _pause(request: SignedInRequest, contact_point: ContactPoint, form: PauseForm) -> HttpResponse | None:
    """Pause, or change the message of a pause; None when the form needs another look."""
    was_paused = contact_point.signups_paused
    try:
        told = pausing_and_closing.pause_signups(contact_point=contact_point, message=form.cleaned_data["message"])
    except ContactPointError as error:
        form.add_error(None, str(error))
        return None
    messages.success(request, _("The message is changed.") if was_paused else _paused_text(told))
    return redirect("staff:dashboard", contact_point.slug)


@staff_view
@require_http_methods(["GET", "POST"])
def pause(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
    action = request.POST.get("action")
    form = PauseForm(request.POST if action == "pause" else None, initial={"message": contact_point.pause_message})
    if action == "resume" and request.method == "POST":
        pausing_and_closing.resume_signups(contact_point=contact_point)
        messages.success(request, _("People can sign up again."))
        return redirect("staff:dashboard", contact_point.slug)
    if request.method == "POST" and action != "pause":
        return render(request, "400.html", status=400)
    if request.method == "POST" and form.is_valid() and (done := _pause(request, contact_point, form)):
        return done
    return render(request, "staff/pause.html", {"contact_point": contact_point, "form": form})


def _closed_text(told: int) -> str:
    return (
        _("The contact point is closed.")
        + " "
        + ngettext(
            "%(count)s person waiting is offered other places.",
            "%(count)s people waiting are offered other places.",
            told,
        )
        % {"count": told}
    )


@staff_view
@require_http_methods(["GET", "POST"])
def close(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
    form = CloseForm(request.POST or None)
    if request.method == "POST" and not contact_point.is_closed and form.is_valid():
        try:
            told = pausing_and_closing.close(contact_point=contact_point)
        except ContactPointError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _closed_text(told))
            return redirect("staff:dashboard", contact_point.slug)
    context = {
        "contact_point": contact_point,
        "form": form,
        "waiting": SignUp.objects.waiting().filter(contact_point=contact_point).count(),
        "kept_days": settings.CLOSED_SIGNUPS_KEPT_DAYS,
    }
    return render(request, "staff/close.html", context)
