"""Ordering materials and sending them: one function for each."""

import uuid
from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from contactpoints.models import ContactPoint
from materials.models import Material, Order, OrderLine


class OrderError(Exception):
    """An order could not be placed; the message is for staff."""


@dataclass(frozen=True, kw_only=True)
class Recipient:
    """Where an order goes: an organisation's details, never a participant's."""

    organisation: str
    contact_person: str
    email: str
    postal_address: str
    postcode: str
    place: str
    notes: str


@dataclass(frozen=True, kw_only=True)
class Line:
    material: Material
    language: str
    quantity: int


def place_order(
    *, contact_point: ContactPoint, recipient: Recipient, lines: list[Line], by: User, request_key: uuid.UUID
) -> Order:
    """Order materials for a contact point. The same form sent twice makes one
    order, even at the same moment; its key sent for another contact point (by
    staff of both) is refused: OrderError."""
    with transaction.atomic():
        order = Order.objects.filter(request_key=request_key).first()
        if order is None:
            try:
                # In a savepoint: a sending of the same form that is not yet
                # committed makes this one wait, then fail on the key.
                with transaction.atomic():
                    order = Order.objects.create(
                        contact_point=contact_point, **asdict(recipient), request_key=request_key, created_by=by
                    )
            except IntegrityError:
                order = Order.objects.filter(request_key=request_key).first()
                if order is None:
                    raise
            else:
                OrderLine.objects.bulk_create(
                    OrderLine(order=order, material=line.material, language=line.language, quantity=line.quantity)
                    for line in lines
                )
                return order
        if order.contact_point_id != contact_point.pk:
            raise OrderError(_("This form was already used. Reload the page and try again."))
        return order  # The same form sent twice.


def mark_sent(*, order: Order, by: User) -> bool:
    """The office has posted the order. Returns False if it was marked sent already."""
    return bool(
        Order.objects.filter(pk=order.pk, status=Order.Status.ORDERED).update(
            status=Order.Status.SENT, sent_at=timezone.now(), sent_by=by
        )
    )
