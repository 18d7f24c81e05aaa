"""The person's own pages: sign up, confirm, see, change or withdraw."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from contactpoints.models import ContactPoint
from groups import limits, links, selectors, services
from groups.forms import PreferencesForm, SignUpForm
from groups.models import Invitation, SignUp


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest, slug: str) -> HttpResponse:
    """The public form. A known address and a new one get the same answer
    from the same work (``services.receive``); what a program sends is
    answered as if it were taken, and dropped."""
    contact_point = get_object_or_404(ContactPoint.objects.listed().select_related("municipality"), slug=slug)
    if contact_point.signups_paused:
        # Nothing is recorded while new sign-ups are paused, whatever is posted.
        return render(request, "groups/signups_paused.html", {"contact_point": contact_point})
    form = SignUpForm(request.POST or None, contact_point=contact_point)
    if request.method == "POST" and form.is_valid():
        if not limits.admit_sign_up(
            request=request, contact_point=contact_point, sent_by_a_program=form.sent_by_a_program
        ):
            context = {"contact_point": contact_point, "form": form, "turned_away": True}
            return render(request, "groups/signup.html", context, status=429)
        if not form.sent_by_a_program:
            services.receive(
                contact_point=contact_point,
                email=form.cleaned_data["email"],
                nickname=form.cleaned_data["nickname"],
                preferences=form.preferences(),
                locale=get_language(),
            )
        return redirect("signup_sent", slug=contact_point.slug)
    return render(request, "groups/signup.html", {"contact_point": contact_point, "form": form})


@require_GET
def signup_sent(request: HttpRequest, slug: str) -> HttpResponse:
    contact_point = get_object_or_404(ContactPoint.objects.listed(), slug=slug)
    return render(request, "groups/signup_sent.html", {"contact_point": contact_point})


@never_cache
@require_http_methods(["GET", "POST"])
def signup_page(request: HttpRequest, token: str) -> HttpResponse:
    """What a private link opens. Opening it changes nothing; only a button does."""
    signup = links.resolve(token)
    if signup is None:
        return render(request, "groups/link_invalid.html", status=404)
    contact_point = signup.contact_point
    form = PreferencesForm(initial=PreferencesForm.initial_for(signup), contact_point=contact_point)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "confirm":
            services.confirm(signup=signup)
            messages.success(request, _("Thank you. You are now on the list."))
            return redirect(links.url(token))
        if action == "withdraw":
            services.withdraw(signup=signup)
            return redirect("withdrawn")
        if action == "renew":
            if services.renew(signup=signup):
                messages.success(request, _("Thank you. Your place on the list is kept."))
            return redirect(links.url(token))
        if action == "answer":
            reply = request.POST.get("reply", "")
            if reply not in (services.Answer.YES, services.Answer.NOT_THIS_TIME, services.Answer.REMOVE_ME):
                return render(request, "400.html", status=400)
            if not services.answer(signup=signup, reply=reply, share_email=request.POST.get("share_email") == "on"):
                messages.warning(request, _("This invitation can no longer be answered."))
            elif reply == services.Answer.REMOVE_ME:
                return redirect("withdrawn")
            elif reply == services.Answer.YES:
                messages.success(request, _("Thank you. We look forward to seeing you."))
            else:
                messages.success(request, _("Thank you for telling us. You keep your place on the list."))
            return redirect(links.url(token))
        if action == "move":
            # Only the person, with their own link and this button, can move their place.
            target = ContactPoint.objects.filter(slug=request.POST.get("to", "")).first()
            try:
                if target is not None and selectors.move_offers(signup).allows(target):
                    services.move_place(signup=signup, to=target)  # their contact point closed
                else:
                    result = services.move_to_nationwide(signup=signup, to=target) if target else None
                    if result == services.MoveResult.ALREADY_THERE:
                        raise services.MoveError(
                            _("You are already on the list at %(name)s.") % {"name": target.name}  # type: ignore[union-attr]
                        )
                    if result != services.MoveResult.MOVED:
                        raise services.MoveError(_("Your place could not be moved. It is where it was."))
            except services.MoveError as error:
                messages.warning(request, str(error))
            else:
                messages.success(
                    request,
                    _("Your place is moved to %(name)s. You keep the time you have waited.") % {"name": target.name},  # type: ignore[union-attr]
                )
            return redirect(links.url(token))
        if action == "preferences" and signup.is_waiting:
            form = PreferencesForm(request.POST, contact_point=contact_point)
            if form.is_valid():
                services.change_preferences(
                    signup=signup, nickname=form.cleaned_data["nickname"], preferences=form.preferences()
                )
                messages.success(request, _("Your choices are saved."))
                return redirect(links.url(token))
        elif action != "preferences":
            return render(request, "400.html", status=400)
    if signup.status == SignUp.Status.UNCONFIRMED:
        return render(request, "groups/confirm.html", {"signup": signup, "contact_point": contact_point})
    if signup.status in (SignUp.Status.INVITED, SignUp.Status.ACCEPTED):
        invitation = Invitation.objects.select_related("group__room").filter(signup=signup).first()
        if invitation is not None:
            return render(
                request,
                "groups/invitation.html",
                {"signup": signup, "contact_point": contact_point, "invitation": invitation, "group": invitation.group},
            )
    return render(
        request,
        "groups/signup_page.html",
        {
            "signup": signup,
            "contact_point": contact_point,
            "form": form,
            "place": selectors.place_in_words(signup),
            "offers": selectors.move_offers(signup) if contact_point.is_closed else None,
            # At a closed contact point the offers above include the nationwide lists.
            "move_options": [] if contact_point.is_closed else selectors.move_options(signup),
        },
    )


@require_GET
def withdrawn(request: HttpRequest) -> HttpResponse:
    return render(request, "groups/withdrawn.html")
