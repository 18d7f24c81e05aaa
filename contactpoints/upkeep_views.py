"""Staff pages for looking after a contact point: publish a new one, confirm
its details, pause new sign-ups, close it, and invite or remove colleagues.

Like every staff page, each is reached only by the contact point's own staff.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts.models import User
from contactpoints import services
from contactpoints.forms import CloseForm, ColleagueForm, PauseForm
from contactpoints.models import ContactPoint
from contactpoints.staff_views import staff_view
from groups.models import SignUp


@staff_view
@require_http_methods(["GET", "POST"])
def checklist(request: HttpRequest, contact_point: ContactPoint) -> HttpResponse:
    if request.method == "POST":
        try:
            services.publish(contact_point=contact_point)
        except services.ContactPointError as error:
            messages.error(request, str(error))
            return redirect("staff:checklist", contact_point.slug)
        messages.success(request, _("Your contact point is now in the directory, and people can sign up."))
        return redirect("staff:dashboard", contact_point.slug)
    items = services.checklist(contact_point)
    return render(
        request,
        "staff/checklist.html",
        {"contact_point": contact_point, "items": items, "complete": all(item.done for item in items)},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def confirm_details(request: HttpRequest, contact_point: ContactPoint) -> HttpResponse:
    """What the yearly "are your details still right?" email links to. Only the button confirms."""
    if request.method == "POST":
        services.confirm_details(contact_point=contact_point)
        messages.success(request, _("Thank you. The details are confirmed."))
        return redirect("staff:dashboard", contact_point.slug)
    return render(
        request,
        "staff/confirm_details.html",
        {"contact_point": contact_point, "rooms": contact_point.rooms.all()},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def pause(request: HttpRequest, contact_point: ContactPoint) -> HttpResponse:
    action = request.POST.get("action")
    form = PauseForm(request.POST if action == "pause" else None, initial={"message": contact_point.pause_message})
    if request.method == "POST":
        if action == "resume":
            services.resume_signups(contact_point=contact_point)
            messages.success(request, _("People can sign up again."))
            return redirect("staff:dashboard", contact_point.slug)
        if action != "pause":
            return render(request, "400.html", status=400)
        if form.is_valid():
            was_paused = contact_point.signups_paused
            try:
                told = services.pause_signups(contact_point=contact_point, message=form.cleaned_data["message"])
            except services.ContactPointError as error:
                form.add_error(None, str(error))
            else:
                if was_paused:
                    messages.success(request, _("The message is changed."))
                else:
                    messages.success(
                        request,
                        _("New sign-ups are paused.")
                        + " "
                        + ngettext(
                            "%(count)s person waiting is told that they keep their place.",
                            "%(count)s people waiting are told that they keep their place.",
                            told,
                        )
                        % {"count": told},
                    )
                return redirect("staff:dashboard", contact_point.slug)
    return render(request, "staff/pause.html", {"contact_point": contact_point, "form": form})


@staff_view
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, contact_point: ContactPoint) -> HttpResponse:
    form = CloseForm(request.POST or None)
    if request.method == "POST" and not contact_point.is_closed and form.is_valid():
        try:
            told = services.close(contact_point=contact_point)
        except services.ContactPointError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The contact point is closed.")
                + " "
                + ngettext(
                    "%(count)s person waiting is offered other places.",
                    "%(count)s people waiting are offered other places.",
                    told,
                )
                % {"count": told},
            )
            return redirect("staff:dashboard", contact_point.slug)
    return render(
        request,
        "staff/close.html",
        {
            "contact_point": contact_point,
            "form": form,
            "waiting": SignUp.objects.waiting().filter(contact_point=contact_point).count(),
            "kept_days": settings.CLOSED_SIGNUPS_KEPT_DAYS,
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def colleagues(request: HttpRequest, contact_point: ContactPoint) -> HttpResponse:
    action = request.POST.get("action")
    form = ColleagueForm(request.POST if action == "invite" else None)
    if request.method == "POST":
        if action == "invite":
            if form.is_valid():
                services.invite_colleague(
                    contact_point=contact_point, email=form.cleaned_data["email"], by=request.user
                )
                messages.success(
                    request,
                    _("%(email)s is invited. They get an email to set a password.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("staff:colleagues", contact_point.slug)
        elif action == "remove":
            user_id = request.POST.get("user", "")
            is_id = user_id.isdigit() and len(user_id) < 19  # fits the id column
            colleague = contact_point.staff.filter(pk=user_id).first() if is_id else None
            if colleague is not None:
                leaving = colleague.pk == request.user.pk
                try:
                    services.remove_colleague(contact_point=contact_point, user=colleague)
                except services.ContactPointError as error:
                    messages.error(request, str(error))
                else:
                    if leaving:
                        if not User.objects.filter(pk=colleague.pk).exists():
                            logout(request)  # The account belonged nowhere else and is gone.
                            return redirect("home")
                        messages.success(
                            request, _("You are no longer staff at %(name)s.") % {"name": contact_point.name}
                        )
                        return redirect("after_login")
                    messages.success(request, _("%(email)s is removed.") % {"email": colleague.email})
            return redirect("staff:colleagues", contact_point.slug)
        else:
            return render(request, "400.html", status=400)
    return render(
        request,
        "staff/colleagues.html",
        {"contact_point": contact_point, "staff": contact_point.staff.order_by("email"), "form": form},
    )
