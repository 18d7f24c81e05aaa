"""The person's own pages: a contact point's public page, the sign-up form,
and the private page their link opens, where they confirm, see, change or
withdraw their sign-up (withdrawing asks first: ``withdrawing.py``). Opening a
link changes nothing; only a button does."""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from contactpoints import directory
from contactpoints.models import ContactPoint
from groups import limits, links, selectors
from groups.forms import PreferencesForm, SignUpForm
from groups.models import Invitation, SignUp
from groups.services import signing_up
from groups.views.answering import answer_invitation
from groups.views.moving import move
from groups.views.withdrawing import LANGUAGE_PARAMETER, confirmation
from selvhjelp.i18n import speak_their_language
from selvhjelp.pagecache import public_page_cache


@require_GET
@public_page_cache
def contact_point(request: HttpRequest, slug: str) -> HttpResponse:
    point = get_object_or_404(ContactPoint.objects.listed().select_related("municipality__county"), slug=slug)
    progress = selectors.progress(point)
    context = {
        "contact_point": point,
        "progress": progress if point.show_progress else None,
        "nationwide": selectors.nationwide_suggestions(point, progress),
    }
    return render(request, "groups/contact_point.html", context)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest, slug: str) -> HttpResponse:
    """The public form. A known address and a new one get the same answer
    from the same work (``signing_up.receive``); what a program sends is
    answered as if it were taken, and dropped."""
    contact_point = directory.listed_point(slug)
    if contact_point is None:
        raise Http404
    if contact_point.signups_paused:
        # Nothing is recorded while new sign-ups are paused, whatever is posted.
        return render(request, "groups/signups_paused.html", {"contact_point": contact_point})
    form = SignUpForm(request.POST or None, contact_point=contact_point)
    if request.method == "POST" and form.is_valid():
        if not limits.admit_sign_up(
            request=request, contact_point=contact_point, sent_by_a_program=form.sent_by_a_program, also_at=form.more()
        ):
            context = {"contact_point": contact_point, "form": form, "turned_away": True}
            return render(request, "groups/signup.html", context, status=429)
        if not form.sent_by_a_program:
            _receive(form, contact_point)
        return redirect("signup_sent", slug=contact_point.slug)
    return render(request, "groups/signup.html", {"contact_point": contact_point, "form": form})


def _receive(form: SignUpForm, contact_point: ContactPoint) -> None:
    """Keep what the person sent, with the other lists they chose, to be recorded in the background."""
    email, nickname = form.cleaned_data["email"], form.cleaned_data["nickname"]
    preferences, locale = form.preferences(), get_language()
    signing_up.receive(
        contact_point=contact_point,
        email=email,
        nickname=nickname,
        preferences=preferences,
        locale=locale,
        also_at=[point.pk for point in form.more()],
    )


@require_GET
def signup_sent(request: HttpRequest, slug: str) -> HttpResponse:
    contact_point = get_object_or_404(ContactPoint.objects.listed(), slug=slug)
    return render(request, "groups/signup_sent.html", {"contact_point": contact_point})


def private_page(request: HttpRequest, signup: SignUp, token: str, form: PreferencesForm | None = None) -> HttpResponse:
    """What the person sees: a button to confirm, their invitation, or their place and wishes."""
    contact_point = signup.contact_point
    # Leaving, and "no, delete my sign-up", are links to a page that asks first.
    mine: dict[str, object] = {
        "signup": signup,
        "contact_point": contact_point,
        "withdraw_url": reverse("withdraw", args=[token]),
    }
    if signup.status == SignUp.Status.UNCONFIRMED:
        lists = [row.contact_point for row in selectors.made_together(signup).select_related("contact_point")]
        return render(request, "groups/confirm.html", {**mine, "lists": lists})
    invitation = None
    if signup.status in (SignUp.Status.INVITED, SignUp.Status.ACCEPTED):
        invitation = Invitation.objects.select_related("group__room").filter(signup=signup).first()
    if invitation is not None:
        return render(request, "groups/invitation.html", {**mine, "invitation": invitation, "group": invitation.group})
    places = _places(signup, token)
    context: dict[str, object] = {
        **mine,
        "form": form or PreferencesForm(initial=PreferencesForm.initial_for(signup), contact_point=contact_point),
        "places": places,
        "place": places[0][0].in_words if places else "",
        "offers": selectors.move_offers(signup) if contact_point.is_closed else None,
        # At a closed contact point the offers above include the nationwide lists.
        "move_options": [] if contact_point.is_closed else selectors.move_options(signup),
    }
    return render(request, "groups/signup_page.html", context)


def _places(signup: SignUp, token: str) -> list[tuple[selectors.Place, str]]:
    """Each list the person is on, with the address of the page that asks before they leave it."""
    return [
        (place, reverse("withdraw_place", args=[token, place.signup.contact_point_id]))
        for place in selectors.places_of(signup)
    ]


def confirm(request: HttpRequest, signup: SignUp, token: str) -> HttpResponse:
    signing_up.confirm(signup=signup)
    messages.success(request, _("Thank you. You are now on the list."))
    return redirect(links.url(token))


def renew(request: HttpRequest, signup: SignUp, token: str) -> HttpResponse:
    if signing_up.renew(signup=signup):
        messages.success(request, _("Thank you. Your place on the list is kept."))
    return redirect(links.url(token))


def change_preferences(request: HttpRequest, signup: SignUp, token: str) -> HttpResponse:
    if not signup.is_waiting:
        return private_page(request, signup, token)  # Invited or handed off meanwhile: nothing to change.
    form = PreferencesForm(
        request.POST, initial=PreferencesForm.initial_for(signup), contact_point=signup.contact_point
    )
    if not form.is_valid():
        return private_page(request, signup, token, form)
    preferences = form.preferences()
    signing_up.change_preferences(signup=signup, nickname=form.cleaned_data["nickname"], preferences=preferences)
    messages.success(request, _("Your choices are saved."))
    return redirect(links.url(token))


# The private page's buttons, by the ``action`` each one sends. Leaving is a
# link to a page that asks first (``withdrawing.py``); "withdraw", sent by a
# page opened before it was, shows that page and deletes nothing.
ACTIONS: dict[str, Callable[[HttpRequest, SignUp, str], HttpResponse]] = {
    "confirm": confirm,
    "withdraw": confirmation,
    "renew": renew,
    "answer": answer_invitation,
    "move": move,
    "preferences": change_preferences,
}


@never_cache
@require_http_methods(["GET", "POST"])
def signup_page(request: HttpRequest, token: str) -> HttpResponse:
    """What a private link opens. Opening it changes nothing; only a button does."""
    signup = links.resolve(token)
    if signup is None:
        return render(request, "groups/link_invalid.html", status=404)
    speak_their_language(request, signup.locale)
    if request.method == "GET":
        return private_page(request, signup, token)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return render(request, "400.html", status=400)
    return action(request, signup, token)


@require_GET
def withdrawn(request: HttpRequest) -> HttpResponse:
    speak_their_language(request, request.GET.get(LANGUAGE_PARAMETER))  # the sign-up, and its language, are gone
    return render(request, "groups/withdrawn.html")
