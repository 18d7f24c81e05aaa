"""Posters, cards, materials and the getting-started guide.

Staff pages go through ``staff_view`` and office pages through ``office_view``
or ``national_view``: anyone who does not handle the contact point or office
in the URL gets a 404, as if it did not exist.
"""

from collections.abc import Mapping

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import SignedInRequest
from contactpoints.access import office_view, staff_view
from contactpoints.models import ContactPoint, Office, responsible_office
from contactpoints.ways import ways
from groups.guide import HOW_A_GROUP_RUNS_ITSELF
from materials import printing, selectors, services
from materials.forms import MaterialForm, OrderForm, PrintLanguageForm
from materials.models import Material, Order
from selvhjelp.access import members_only
from selvhjelp.qr import qr_svg

national_view = members_only(
    lambda request, slug: get_object_or_404(Office, slug=slug, members=request.user, is_national=True)
)


# --- Public -------------------------------------------------------------------


@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    return render(request, "materials/guide.html", {"guide": HOW_A_GROUP_RUNS_ITSELF})


@require_GET
def short_signup(request: HttpRequest, slug: str) -> HttpResponse:
    """The short address on posters and cards leads to the contact point's sign-up form."""
    contact_point = get_object_or_404(ContactPoint.objects.listed(), slug=slug)
    return redirect("signup", slug=contact_point.slug)


# --- Posters and cards, for contact-point staff --------------------------------


def _printable(
    request: SignedInRequest, contact_point: ContactPoint, template: str, texts: Mapping[str, str]
) -> HttpResponse:
    form = PrintLanguageForm(request.GET or None)
    address = selectors.short_address_text(contact_point)
    # In the language staff chose, part by part, each marked with the language it is printed in.
    sheet = printing.sheet(texts, form.chosen(), address=address, ways=ways(contact_point))
    return render(
        request,
        template,
        {
            "contact_point": contact_point,
            "form": form,
            "print_language": sheet.language,
            "sheet": sheet,
            "address": address,
            "qr": qr_svg(selectors.short_url(contact_point), label=str(sheet.parts["qr"])),
        },
    )


@staff_view
@require_GET
def poster(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
    return _printable(request, contact_point, "materials/poster.html", printing.POSTER)


@staff_view
@require_GET
def card(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
    return _printable(request, contact_point, "materials/card.html", printing.CARD)


# --- Ordering materials, for contact-point staff --------------------------------


@staff_view
@require_GET
def orders(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
    return render(
        request,
        "materials/orders.html",
        {
            "contact_point": contact_point,
            "orders": list(selectors.orders_for_contact_point(contact_point)[:50]),
            "can_order": Material.objects.orderable().exists(),
            # The office that posts the orders: the one covering the county, or the national office.
            "coordinator": responsible_office(contact_point.municipality),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def order(request: SignedInRequest, contact_point: ContactPoint) -> HttpResponse:
    materials = list(Material.objects.orderable())
    form = OrderForm(
        request.POST or None, materials=materials, initial=OrderForm.initial_for(contact_point, request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.place_order(
                contact_point=contact_point,
                recipient=form.recipient(),
                lines=form.lines(),
                by=request.user,
                request_key=form.cleaned_data["request_key"],
            )
        except services.OrderError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you. Your order is sent."))
            return redirect("materials:orders", contact_point.slug)
    return render(request, "materials/order.html", {"contact_point": contact_point, "form": form})


# --- Orders and the list of materials, for the offices ---------------------------


@office_view
@require_http_methods(["GET", "POST"])
def office_orders(request: SignedInRequest, office: Office) -> HttpResponse:
    orders = selectors.orders_for_office(office)
    if request.method == "POST":
        pk = request.POST.get("order", "")
        if request.POST.get("action") != "sent" or not pk.isdigit():
            return render(request, "400.html", status=400)
        instance = get_object_or_404(orders, pk=int(pk))
        if services.mark_sent(order=instance, by=request.user):
            messages.success(
                request, _("The order from %(name)s is marked as sent.") % {"name": instance.contact_point.name}
            )
        else:
            messages.info(request, _("That order was already marked as sent."))
        return redirect("materials:office_orders", office.slug)
    return render(
        request,
        "materials/office_orders.html",
        {
            "office": office,
            "waiting": list(orders.filter(status=Order.Status.ORDERED).order_by("created_at", "pk")),
            "sent": list(orders.filter(status=Order.Status.SENT).order_by("-sent_at", "-pk")[:50]),
        },
    )


@national_view
@require_http_methods(["GET", "POST"])
def catalogue(request: SignedInRequest, office: Office) -> HttpResponse:
    form = MaterialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The material is added."))
        return redirect("materials:catalogue", office.slug)
    return render(
        request, "materials/catalogue.html", {"office": office, "materials": Material.objects.all(), "form": form}
    )


@national_view
@require_http_methods(["GET", "POST"])
def material(request: SignedInRequest, office: Office, pk: int) -> HttpResponse:
    instance = get_object_or_404(Material, pk=pk)
    form = MaterialForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The material is updated."))
        return redirect("materials:catalogue", office.slug)
    return render(request, "materials/material.html", {"office": office, "material": instance, "form": form})
