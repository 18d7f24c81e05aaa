"""A contact point's dashboard: how many wait, which groups to start (at most
three suggestions, with the full breakdown one click away), the groups being
formed, and a notice held after sign-ups came unusually fast.

Every staff page goes through ``staff_view``: a signed-in user who is not
staff at the contact point in the URL gets a 404, as if it did not exist.
Staff see counts and act; they never see a person.
"""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import SignedInRequest
from contactpoints.access import staff_view, staff_view_reading
from contactpoints.models import ContactPoint, responsible_office
from groups import selectors
from groups.services import threshold
from selvhjelp import pagecache
from selvhjelp.access import own_places


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    points = list(ContactPoint.objects.filter(staff=request.user))
    return own_places(request, points, url_name="staff:dashboard", template="staff/home.html")


@dataclass(frozen=True)
class PointFacts:
    """What the dashboard says about its contact point."""

    slug: str
    name: str
    threshold: int
    is_active: bool
    is_closed: bool
    closed_at: datetime.datetime | None
    signups_paused: bool
    details_check_pending: bool
    public_url: str

    @classmethod
    def of(cls, contact_point: ContactPoint) -> "PointFacts":
        return cls(
            slug=contact_point.slug,
            name=contact_point.name,
            threshold=contact_point.threshold,
            is_active=contact_point.is_active,
            is_closed=contact_point.is_closed,
            closed_at=contact_point.closed_at,
            signups_paused=contact_point.signups_paused,
            details_check_pending=contact_point.details_check_pending,
            public_url=contact_point.get_absolute_url(),
        )


@dataclass(frozen=True)
class GroupRow:
    """One line of the dashboard's table of groups."""

    pk: int
    first_meeting: datetime.datetime
    status: str
    is_forming: bool
    accepted: int
    pending: int
    members_at_start: int | None
    declined_or_expired: int
    seats: int


def _row(summary: selectors.GroupSummary) -> GroupRow:
    group = summary.group
    return GroupRow(
        pk=group.pk,
        first_meeting=group.first_meeting,
        status=group.get_status_display(),
        is_forming=group.is_forming,
        accepted=summary.accepted,
        pending=summary.pending,
        members_at_start=group.members_at_start,
        declined_or_expired=group.declined + group.expired,
        seats=group.seats,
    )


@staff_view_reading(selectors.with_dashboard_counts)
def dashboard(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
    counts = selectors.dashboard_counts(contact_point)
    overview = selectors.waiting_overview(contact_point)
    groups = selectors.group_summaries(contact_point) if counts.groups else []
    facts = {
        "contact_point": PointFacts.of(contact_point),
        "overview": overview,
        "groups": [_row(summary) for summary in groups],
        "undelivered": counts.undelivered,
    }
    if counts.hold is None:
        # Without a held notice it holds no form but the sign-out one: the same for every colleague.
        return pagecache.kept_staff_page(request, "staff-dashboard", PAGE, CONTENT, facts)
    # Named in the held notice: the office to talk to. The notice has a form, so it is made afresh.
    office = responsible_office(contact_point.municipality)
    content = render_to_string(CONTENT, {**facts, "hold": counts.hold, "coordinator": office}, request)
    return render(request, PAGE, {**facts, "content": content})


# The dashboard, and its content: made from the facts the view passes it alone.
PAGE = "staff/dashboard.html"
CONTENT = "staff/_dashboard.html"


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
