"""A contact point's dashboard: how many wait, which groups to start (at most
three suggestions, with the full breakdown one click away), the groups being
formed, and a notice held after sign-ups came unusually fast.

Every staff page goes through ``staff_view``: a signed-in user who is not
staff at the contact point in the URL gets a 404, as if it did not exist.
Staff see counts and act; they never see a person.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import SignedInRequest
from contactpoints.access import staff_view
from contactpoints.models import ContactPoint, responsible_office
from groups import selectors
from groups.services import threshold
from selvhjelp.access import own_places


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    points = list(ContactPoint.objects.filter(staff=request.user))
    return own_places(request, points, url_name="staff:dashboard", template="staff/home.html")


@staff_view
def dashboard(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
    hold = selectors.notice_hold(contact_point)
    return render(
        request,
        "staff/dashboard.html",
        {
            "contact_point": contact_point,
            "overview": selectors.waiting_overview(contact_point),
            "groups": selectors.group_summaries(contact_point),
            "undelivered": selectors.undelivered_count(contact_point),
            "hold": hold,
            # Named in the held notice: the office to talk to.
            "coordinator": responsible_office(contact_point.municipality) if hold else None,
        },
    )


@staff_view
@require_GET
def waiting(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
    """The full breakdown: how many wait for each wish, and every group that could start."""
    context = {"contact_point": contact_point, "overview": selectors.waiting_overview(contact_point)}
    return render(request, "staff/waiting.html", context)


@staff_view
@require_POST
def release_notices(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
    """Staff have looked at sign-ups that came unusually fast: notices go out as usual again."""
    if threshold.release_notices(contact_point=contact_point, released_by=request.user):
        messages.success(request, _("The notice is released. Enough people are waiting, so the email is on its way."))
    else:
        messages.success(request, _("The notice is released. You are told as usual when enough people are waiting."))
    return redirect("staff:dashboard", contact_point.slug)
