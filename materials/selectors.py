"""Reads about materials and orders, each scoped to the people who handle them."""

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from contactpoints.models import ContactPoint, Office
from materials.models import Order, OrderLine


def short_url(contact_point: ContactPoint) -> str:
    """The short address of the contact point's sign-up page, for posters and cards."""
    return f"{settings.SITE_URL}{reverse('materials:short_signup', args=[contact_point.slug])}"


def short_address_text(contact_point: ContactPoint) -> str:
    """The short address as a person would type it: no scheme, no trailing slash."""
    return short_url(contact_point).split("://", 1)[-1].rstrip("/")


def _with_lines(orders: "QuerySet[Order]") -> "QuerySet[Order]":
    return orders.select_related("contact_point").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("material"))
    )


def orders_for_contact_point(contact_point: ContactPoint) -> "QuerySet[Order]":
    return _with_lines(Order.objects.filter(contact_point=contact_point))


def orders_for_office(office: Office) -> "QuerySet[Order]":
    """The national office handles every order; a district office those from the counties it covers."""
    orders = Order.objects.all()
    if not office.is_national:
        orders = orders.filter(contact_point__municipality__county__in=office.counties.all())
    return _with_lines(orders)


def open_order_count(office: Office) -> int:
    return orders_for_office(office).filter(status=Order.Status.ORDERED).count()
