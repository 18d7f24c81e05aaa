"""Changing a group once it is started: staff move its first meeting, cancel
it, or say it has met and hand it over. Each page says what will happen, to
whom, and acts only when its one button is pressed; opening it changes nothing."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import SignedInRequest
from contactpoints.access import staff_view
from contactpoints.models import ContactPoint
from groups import selectors
from groups.models import Group
from groups.services import changing, hand_off
from groups.services.forming import GroupError
from staff.forms import ChangeMeetingForm


def _own_group(contact_point: ContactPoint, pk: int) -> Group:
    group = get_object_or_404(Group.objects.select_related("room"), pk=pk, contact_point=contact_point)
    group.contact_point = contact_point
    return group


def _page(request: SignedInRequest, template: str, group: Group, **context: object) -> HttpResponse:
    summary = selectors.group_summary(group)
    context = {
        "contact_point": group.contact_point,
        "group": group,
        "summary": summary,
        "now": timezone.now(),
    } | context
    return render(request, template, context)


def _to_group(group: Group) -> HttpResponse:
    return redirect("staff:group", group.contact_point.slug, group.pk)


@staff_view
@require_http_methods(["GET", "POST"])
def change_group(request: SignedInRequest, contact_point: ContactPoint, pk: int) -> HttpResponse:
    group = _own_group(contact_point, pk)
    form = ChangeMeetingForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        seen = form.cleaned_data["seen_changes"]
        try:
            moved = changing.move_meeting(group=group, meeting=form.meeting(), seen_changes=seen)
        except GroupError as error:
            form.add_error(None, str(error))
        else:
            if moved:
                messages.success(request, _("The first meeting is changed. Everyone invited gets an email about it."))
            else:
                messages.info(request, _("The first meeting was already at this time and place. Nobody was emailed."))
            return _to_group(group)
    return _page(request, "staff/change_group.html", group, form=form, notice_hours=changing.NOTICE_HOURS)


@staff_view
@require_http_methods(["GET", "POST"])
def cancel_group(request: SignedInRequest, contact_point: ContactPoint, pk: int) -> HttpResponse:
    group = _own_group(contact_point, pk)
    if request.method == "GET":
        return _page(request, "staff/cancel_group.html", group)
    try:
        cancelled = changing.cancel(group=group)
    except GroupError as error:
        messages.error(request, str(error))
    else:
        if cancelled:
            messages.success(
                request, _("The group is cancelled. Everyone invited gets an email and keeps their place.")
            )
        else:
            messages.info(request, _("This group has been cancelled."))
    return _to_group(group)


@staff_view
@require_http_methods(["GET", "POST"])
def has_met(request: SignedInRequest, contact_point: ContactPoint, pk: int) -> HttpResponse:
    group = _own_group(contact_point, pk)
    if request.method == "GET":
        return _page(request, "staff/has_met.html", group)
    if hand_off.hand_off(group=group):
        messages.success(request, _("The group is handed over to its members. Everything about them is being deleted."))
        return _to_group(group)
    group.refresh_from_db(fields=["status"])
    if group.status == Group.Status.CANCELLED:
        messages.error(request, _("This group has been cancelled."))
    elif not group.is_forming:
        messages.info(request, _("The group is handed over to its members. Everything about them is being deleted."))
    else:
        messages.error(request, _("A group can be handed over once its first meeting has begun."))
    return _to_group(group)
