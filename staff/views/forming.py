"""Starting a group and following it as it forms: staff choose how, when and
where; the app chooses who, and never says. On the group's page staff change
the seats and fill empty ones; moving, cancelling and handing the group over
each have a page of their own (``changing``)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts.http import SignedInRequest
from contactpoints.access import staff_view
from contactpoints.models import ContactPoint
from groups import selectors
from groups.models import Group
from groups.services import forming
from selvhjelp import pagecache
from staff.forms import GroupForm, SeatsForm
from staff.views.dashboard import PointFacts


def _invited_text(invited: int) -> str:
    if not invited:
        return _("Nobody else who fits the group is waiting right now.")
    return ngettext("%(count)s more person invited.", "%(count)s more people invited.", invited) % {"count": invited}


@staff_view
@require_http_methods(["GET", "POST"])
def start_group(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
    initial = GroupForm.initial_from(request.GET)
    form = GroupForm(request.POST or None, initial=initial, contact_point=contact_point)
    if request.method == "POST" and form.is_valid():
        try:
            group = forming.start_group(
                contact_point=contact_point,
                details=form.details(),
                created_by=request.user,
                request_key=form.cleaned_data["request_key"],
            )
        except forming.GroupError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The group is started. The invitations are on their way."))
            return redirect("staff:group", contact_point.slug, group.pk)
    overview = selectors.waiting_overview(contact_point)
    return render(
        request, "staff/start_group.html", {"contact_point": contact_point, "form": form, "overview": overview}
    )


@dataclass(frozen=True)
class GroupFacts:
    """What a group's page says about it: the group's own details and counts, never a person."""

    pk: int
    slug: str  # its contact point's
    first_meeting: datetime.datetime
    has_begun: bool
    status: str
    status_display: str
    is_forming: bool
    format: str
    how: str
    room: str
    place_details: str
    joining_link: str
    joining_details: str
    follow_up: datetime.datetime | None
    starter_present: bool
    accepted: int
    pending: int
    declined: int
    expired: int
    seats: int
    members_at_start: int | None
    median_days_waited: int | None

    @classmethod
    def of(cls, summary: selectors.GroupSummary) -> "GroupFacts":
        group = summary.group
        ways = (group.get_format_display(), group.get_time_of_day_display())
        how = " · ".join([*ways, group.get_language_display(), group.get_age_group_display()])
        return cls(
            pk=group.pk,
            slug=group.contact_point.slug,
            first_meeting=group.first_meeting,
            has_begun=group.first_meeting <= timezone.now(),
            status=group.status,
            status_display=group.get_status_display(),
            is_forming=group.is_forming,
            format=group.format,
            how=how,
            room=f"{group.room.name}, {group.room.address}" if group.room else "",
            place_details=group.place_details,
            joining_link=group.joining_link,
            joining_details=group.joining_details,
            follow_up=group.follow_up,
            starter_present=group.starter_present,
            accepted=summary.accepted,
            pending=summary.pending,
            declined=group.declined,
            expired=group.expired,
            seats=group.seats,
            members_at_start=group.members_at_start,
            median_days_waited=group.median_days_waited,
        )


# A group's page, and its content: made from the facts the view passes it alone.
GROUP_PAGE = "staff/group.html"
GROUP_CONTENT = "staff/_group.html"


def _group_page(
    request: SignedInRequest, summary: selectors.GroupSummary, seats_form: SeatsForm | None = None
) -> HttpResponse:
    group = summary.group
    facts: dict[str, object] = {"group": GroupFacts.of(summary), "contact_point": PointFacts.of(group.contact_point)}
    if seats_form is None:
        # Kept by its facts: the same for every colleague at the contact point, each with their own form token.
        facts["seats_form"] = SeatsForm(initial={"seats": group.seats})
        return pagecache.kept_staff_page(request, "staff-group", GROUP_PAGE, GROUP_CONTENT, facts)
    content = render_to_string(GROUP_CONTENT, {**facts, "seats_form": seats_form}, request)
    return render(request, GROUP_PAGE, {**facts, "content": content})


def _change_seats(request: SignedInRequest, summary: selectors.GroupSummary) -> HttpResponse:
    group = summary.group
    form = SeatsForm(request.POST, initial={"seats": group.seats})
    if not form.is_valid():
        return _group_page(request, summary, form)
    try:
        forming.change_seats(group=group, seats=form.cleaned_data["seats"])
    except forming.GroupError as error:
        form.add_error("seats", str(error))
        return _group_page(request, summary, form)
    invited = forming.refill(group=group)
    messages.success(request, _("The number of seats is changed.") + " " + _invited_text(invited))
    return redirect("staff:group", group.contact_point.slug, group.pk)


def _fill_empty_seats(request: SignedInRequest, summary: selectors.GroupSummary) -> HttpResponse:
    group = summary.group
    messages.success(request, _invited_text(forming.refill(group=group)))
    return redirect("staff:group", group.contact_point.slug, group.pk)


# The group page's buttons, by the ``action`` each one sends.
GROUP_ACTIONS: dict[str, Callable[[SignedInRequest, selectors.GroupSummary], HttpResponse]] = {
    "seats": _change_seats,
    "refill": _fill_empty_seats,
}


@staff_view
@require_http_methods(["GET", "POST"])
def group(request: SignedInRequest, contact_point: ContactPoint, pk: int) -> HttpResponse:
    try:
        summary = selectors.group_summary_at(contact_point, pk)
    except Group.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        action = GROUP_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            return render(request, "400.html", status=400)
        return action(request, summary)
    return _group_page(request, summary)
