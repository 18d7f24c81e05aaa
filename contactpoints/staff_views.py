"""Pages for contact-point staff: counts and actions, never a person.

Every view goes through ``staff_view``: a signed-in user who is not staff at
the contact point in the URL gets a 404, as if it did not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from contactpoints.models import ContactPoint, Room
from contactpoints.staff_forms import ContactPointForm, GroupForm, MessageForm, RoomForm, SeatsForm
from groups import selectors, services
from groups.models import Group
from selvhjelp.access import members_only, own_places


def _invited_text(invited: int) -> str:
    if not invited:
        return _("Nobody else who fits the group is waiting right now.")
    return ngettext("%(count)s more person invited.", "%(count)s more people invited.", invited) % {"count": invited}


staff_view = members_only(
    lambda request, slug: get_object_or_404(
        ContactPoint.objects.select_related("municipality__county"), slug=slug, staff=request.user
    )
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    points = list(ContactPoint.objects.filter(staff=request.user))
    return own_places(request, points, url_name="staff:dashboard", template="staff/home.html")


@staff_view
def dashboard(request: HttpRequest, contact_point: ContactPoint) -> HttpResponse:
    return render(
        request,
        "staff/dashboard.html",
        {
            "contact_point": contact_point,
            "overview": selectors.waiting_overview(contact_point),
            "groups": selectors.group_summaries(contact_point),
            "undelivered": selectors.undelivered_count(contact_point),
            "hold": selectors.notice_hold(contact_point),
        },
    )


@staff_view
@require_POST
def release_notices(request: HttpRequest, contact_point: ContactPoint) -> HttpResponse:
    """Staff have looked at sign-ups that came unusually fast: notices go out as usual again."""
    if services.release_notices(contact_point=contact_point, released_by=request.user):
        messages.success(request, _("The notice is released. Enough people are waiting, so the email is on its way."))
    else:
        messages.success(request, _("The notice is released. You are told as usual when enough people are waiting."))
    return redirect("staff:dashboard", contact_point.slug)


@staff_view
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, contact_point: ContactPoint) -> HttpResponse:
    form = ContactPointForm(request.POST or None, instance=contact_point)
    if request.method == "POST" and form.is_valid():
        services.update_contact_point(contact_point=form.save(commit=False), fields=list(form.fields))
        messages.success(request, _("The public page is updated."))
        return redirect("staff:dashboard", contact_point.slug)
    return render(request, "staff/edit.html", {"contact_point": contact_point, "form": form})


@staff_view
@require_http_methods(["GET", "POST"])
def rooms(request: HttpRequest, contact_point: ContactPoint) -> HttpResponse:
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        room = form.save(commit=False)
        room.contact_point = contact_point
        room.save()
        messages.success(request, _("The room is added."))
        return redirect("staff:rooms", contact_point.slug)
    return render(
        request, "staff/rooms.html", {"contact_point": contact_point, "rooms": contact_point.rooms.all(), "form": form}
    )


@staff_view
@require_http_methods(["GET", "POST"])
def room(request: HttpRequest, contact_point: ContactPoint, pk: int) -> HttpResponse:
    instance = get_object_or_404(Room, pk=pk, contact_point=contact_point)
    if request.method == "POST" and request.POST.get("action") == "delete":
        instance.delete()
        messages.success(request, _("The room is removed."))
        return redirect("staff:rooms", contact_point.slug)
    form = RoomForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The room is updated."))
        return redirect("staff:rooms", contact_point.slug)
    return render(request, "staff/room.html", {"contact_point": contact_point, "room": instance, "form": form})


@staff_view
@require_http_methods(["GET", "POST"])
def start_group(request: HttpRequest, contact_point: ContactPoint) -> HttpResponse:
    initial = {
        key: request.GET[key] for key in ("format", "time_of_day", "language", "age_group") if key in request.GET
    }
    form = GroupForm(request.POST or None, initial=initial, contact_point=contact_point)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.start_group(
                contact_point=contact_point,
                details=services.GroupDetails(
                    plan=form.plan(),
                    first_meeting=data["first_meeting"],
                    room=data["room"],
                    place_details=data["place_details"],
                    seats=data["seats"],
                    starter_present=data["starter_present"],
                ),
                created_by=request.user,
                request_key=data["request_key"],
            )
        except services.GroupError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The group is started. The invitations are on their way."))
            return redirect("staff:group", contact_point.slug, group.pk)
    overview = selectors.waiting_overview(contact_point)
    return render(
        request, "staff/start_group.html", {"contact_point": contact_point, "form": form, "overview": overview}
    )


@staff_view
@require_http_methods(["GET", "POST"])
def group(request: HttpRequest, contact_point: ContactPoint, pk: int) -> HttpResponse:
    instance = get_object_or_404(Group.objects.select_related("room"), pk=pk, contact_point=contact_point)
    seats_form = SeatsForm(
        request.POST if request.POST.get("action") == "seats" else None, initial={"seats": instance.seats}
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "seats" and seats_form.is_valid():
            try:
                services.change_seats(group=instance, seats=seats_form.cleaned_data["seats"])
            except services.GroupError as error:
                seats_form.add_error("seats", str(error))
            else:
                invited = services.refill(group=instance)
                messages.success(request, _("The number of seats is changed.") + " " + _invited_text(invited))
                return redirect("staff:group", contact_point.slug, instance.pk)
        elif action == "refill":
            invited = services.refill(group=instance)
            messages.success(request, _invited_text(invited))
            return redirect("staff:group", contact_point.slug, instance.pk)
        elif action == "has_met":
            if services.hand_off(group=instance):
                messages.success(
                    request, _("The group is handed over to its members. Everything about them is being deleted.")
                )
            else:
                messages.error(request, _("A group can be handed over once its first meeting has begun."))
            return redirect("staff:group", contact_point.slug, instance.pk)
        elif action != "seats":
            return render(request, "400.html", status=400)
    summary = selectors.group_summary(instance)
    return render(
        request,
        "staff/group.html",
        {
            "contact_point": contact_point,
            "group": instance,
            "summary": summary,
            "seats_form": seats_form,
            "now": timezone.now(),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def message(request: HttpRequest, contact_point: ContactPoint) -> HttpResponse:
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count = services.send_message(
            contact_point=contact_point, body=form.cleaned_data["body"], created_by=request.user
        )
        messages.success(
            request,
            ngettext(
                "The message is being sent to %(count)s person.",
                "The message is being sent to %(count)s people.",
                count,
            )
            % {"count": count},
        )
        return redirect("staff:dashboard", contact_point.slug)
    return render(
        request,
        "staff/message.html",
        {"contact_point": contact_point, "form": form, "waiting": selectors.waiting_overview(contact_point).total},
    )
