"""Choosing a language: a plain link, so that no page needs a form (and a CSRF token) for it.

``/velg-sprak/<code>/?neste=<path>`` sets Django's language cookie, as Django's own ``set_language``
does, and goes back to the page the person was on. Nothing else changes: the cookie is the
whole choice (a person's own pages read it too, see ``selvhjelp.i18n.their_language``).
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

NEXT = "neste"


def safe_next(request: HttpRequest) -> str:
    """Where to go after choosing: ``neste`` if it is a page on this site, else the home page."""
    url = request.GET.get(NEXT, "")
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("home")


@require_safe
@never_cache  # the answer sets a cookie: no cache may keep it and hand it to someone else
def choose_language(request: HttpRequest, code: str) -> HttpResponse:
    if code not in dict(settings.LANGUAGES):
        raise Http404
    response = HttpResponseRedirect(safe_next(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        # The setting's type is str; Django checks its value at start-up (and so does set_cookie).
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )
    return response
