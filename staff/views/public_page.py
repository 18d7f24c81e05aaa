"""A contact point's public page as its staff keep it: the details and rooms,
the checklist a new contact point completes before it is listed, and the
yearly "are your details still right?" confirmation."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import SignedInRequest
from contactpoints import services
from contactpoints.access import staff_view
from contactpoints.models import ContactPoint, Room
from groups.services import threshold
from staff.forms import ContactPointForm, RoomForm


@staff_view
@require_http_methods(["GET", "POST"])
def edit(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
    form = ContactPointForm(request.POST or None, instance=contact_point)
    if request.method == "POST" and form.is_valid():
        threshold.update_contact_point(
            contact_point=form.save(commit=False), fields=form.model_fields(), languages=form.cleaned_data["languages"]
        )
        messages.success(request, _("The public page is updated."))
        return redirect("staff:dashboard", contact_point.slug)
    return render(request, "staff/edit.html", {"contact_point": contact_point, "form": form})


@staff_view
@require_http_methods(["GET", "POST"])
def rooms(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
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
def room(request: SignedInRequest, contact_point: ContactPoint, pk: int) -> HttpResponse:
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
def checklist(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
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
def confirm_details(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
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
