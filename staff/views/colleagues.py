"""A contact point's colleagues: invite one by their work email, remove one,
or leave. The last one cannot leave while people wait."""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import SignedInRequest
from accounts.models import User
from contactpoints.access import staff_view
from contactpoints.models import ContactPoint
from contactpoints.services import ContactPointError, invite_colleague
from groups.services.colleagues import remove_colleague
from staff.forms import ColleagueForm


def _page(request: SignedInRequest, contact_point: ContactPoint, form: ColleagueForm) -> HttpResponse:
    staff = contact_point.staff.order_by("email")
    return render(request, "staff/colleagues.html", {"contact_point": contact_point, "staff": staff, "form": form})


def _invite(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
    form = ColleagueForm(request.POST)
    if not form.is_valid():
        return _page(request, contact_point, form)
    invite_colleague(contact_point=contact_point, email=form.cleaned_data["email"], by=request.user)
    email = form.cleaned_data["email"]
    messages.success(request, _("%(email)s is invited. They get an email to set a password.") % {"email": email})
    return redirect("staff:colleagues", contact_point.slug)


def _remove(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
    user_id = request.POST.get("user", "")
    is_id = user_id.isdigit() and len(user_id) < 19  # fits the id column
    colleague = contact_point.staff.filter(pk=user_id).first() if is_id else None
    if colleague is None:
        return redirect("staff:colleagues", contact_point.slug)
    leaving, colleague_id = colleague.pk == request.user.pk, colleague.pk  # a deleted account has no pk
    try:
        remove_colleague(contact_point=contact_point, user=colleague)
    except ContactPointError as error:
        messages.error(request, str(error))
        return redirect("staff:colleagues", contact_point.slug)
    if not leaving:
        messages.success(request, _("%(email)s is removed.") % {"email": colleague.email})
        return redirect("staff:colleagues", contact_point.slug)
    if not User.objects.filter(pk=colleague_id).exists():
        logout(request)  # The account belonged nowhere else and is gone.
        return redirect("home")
    messages.success(request, _("You are no longer staff at %(name)s.") % {"name": contact_point.name})
    return redirect("after_login")


@staff_view
@require_http_methods(["GET", "POST"])
def colleagues(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
    if request.method == "GET":
        return _page(request, contact_point, ColleagueForm())
    actions = {"invite": _invite, "remove": _remove}
    action = actions.get(request.POST.get("action", ""))
    if action is None:
        return render(request, "400.html", status=400)
    return action(request, contact_point)
