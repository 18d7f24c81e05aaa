"""Who may open a page about a contact point or an office: only its own staff
or members. Anyone else gets a 404, as if it did not exist."""

from django.shortcuts import get_object_or_404

from contactpoints.models import ContactPoint, Office
from selvhjelp.access import members_only

staff_view = members_only(
    lambda request, slug: get_object_or_404(
        ContactPoint.objects.select_related("municipality__county"), slug=slug, staff=request.user
    )
)

office_view = members_only(lambda request, slug: get_object_or_404(Office, slug=slug, members=request.user))

# Pages for the national office alone: a member of any other office gets a 404 too.
national_view = members_only(
    lambda request, slug: get_object_or_404(Office, slug=slug, members=request.user, is_national=True)
)
