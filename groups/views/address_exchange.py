"""After the first meeting: the page the getting-started guide links to, where a
member who was there shares their address with the others who were there and
want to share too. Opening it changes nothing; only a button does."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from groups import links
from groups.models import AddressExchange, SignUp
from groups.services import address_exchange
from selvhjelp.i18n import speak_their_language


def _signed_up_in(exchange: AddressExchange) -> str | None:
    """The member's language while their sign-up is kept; once it is deleted, None: the browser's."""
    if exchange.signup_id is None:
        return None
    return SignUp.objects.filter(pk=exchange.signup_id).values_list("locale", flat=True).first()


def _page(request: HttpRequest, exchange: AddressExchange) -> HttpResponse:
    others = []
    if exchange.shared_at is not None:
        sharing = AddressExchange.objects.filter(group_id=exchange.group_id, shared_at__isnull=False)
        others = [(other.nickname, other.email) for other in sharing.exclude(pk=exchange.pk).order_by("shared_at")]
    context = {"exchange": exchange, "contact_point": exchange.group.contact_point, "others": others}
    return render(request, "groups/address_exchange.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def exchange_page(request: HttpRequest, token: str) -> HttpResponse:
    exchange = links.resolve_exchange(token)
    if exchange is None:
        return render(request, "groups/link_invalid.html", status=404)
    speak_their_language(request, _signed_up_in(exchange))
    if request.method == "GET":
        return _page(request, exchange)
    action = request.POST.get("action", "")
    if action == "share":
        address_exchange.share(exchange=exchange)  # the page itself says so from now on
    elif action == "stop":
        address_exchange.stop_sharing(exchange=exchange)
        messages.success(request, _("Your address is no longer shared."))
    else:
        return render(request, "400.html", status=400)
    return redirect(links.exchange_url(token))
