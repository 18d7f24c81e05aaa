"""Who may open a page about a contact point or an office: only its own staff
or members. Anyone else gets a 404, as if it did not exist. Every such page
asks first, so the question is a query the ORM builds once (``Prepared``)."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from contactpoints.models import ContactPoint, Office
from selvhjelp.access import View, members_only
from selvhjelp.prepared import Prepared


def staff_view_reading(
    read: Callable[["QuerySet[ContactPoint]"], "QuerySet[ContactPoint]"],
) -> Callable[[View], View]:
    """``staff_view`` for a page that reads more about its contact point in the same query: ``read``
    annotates the query. Who may open the page is decided as for every staff page."""

    own = Prepared(
        lambda slug, user: read(ContactPoint.objects.select_related("municipality__county")).filter(
            slug=slug, staff=user
        )
    )
    return members_only(_found_in(own))


def _found_in(own: Prepared[Any]) -> Callable[[HttpRequest, str], Any]:
    """The lookup of ``members_only``: the one the user's own ``own(slug, user id)`` finds, or a 404."""

    def lookup(request: HttpRequest, slug: str) -> Any:
        user = request.user.pk
        found = None if user is None else own.first(slug, user)
        if found is None:
            raise Http404
        return found

    return lookup


staff_view = staff_view_reading(lambda points: points)

office_view = members_only(_found_in(Prepared(lambda slug, user: Office.objects.filter(slug=slug, members=user))))

# Pages for the national office alone: a member of any other office gets a 404 too.
national_view = members_only(
    _found_in(Prepared(lambda slug, user: Office.objects.filter(slug=slug, members=user, is_national=True)))
)
