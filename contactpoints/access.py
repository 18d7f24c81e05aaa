"""Who may open a page about a contact point or an office: only its own staff
or members. Anyone else gets a 404, as if it did not exist."""

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from contactpoints.models import ContactPoint, Office
from selvhjelp.access import View, members_only


def staff_view_reading(
    read: Callable[["QuerySet[ContactPoint]"], "QuerySet[ContactPoint]"],
) -> Callable[[View], View]:
    """``staff_view`` for a page that reads more about its contact point in the same query: ``read``
    annotates the query. Who may open the page is decided as for every staff page."""

    def lookup(request: HttpRequest, slug: str) -> ContactPoint:
        points = read(ContactPoint.objects.select_related("municipality__county"))
        return get_object_or_404(points, slug=slug, staff=request.user)

    return members_only(lookup)


staff_view = staff_view_reading(lambda points: points)

office_view = members_only(lambda request, slug: get_object_or_404(Office, slug=slug, members=request.user))

# Pages for the national office alone: a member of any other office gets a 404 too.
national_view = members_only(
    lambda request, slug: get_object_or_404(Office, slug=slug, members=request.user, is_national=True)
)
