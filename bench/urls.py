"""The app's URLs plus ``/bench/bare/``: a view that does no work at all.

It goes through the same middleware as every page (sessions, CSRF, locale,
CSP, request id, the access log), so it is the floor under every page: what
Django, gunicorn and this configuration cost before the app does anything.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from selvhjelp import urls as app_urls

handler400 = app_urls.handler400
handler403 = app_urls.handler403
handler404 = app_urls.handler404
handler500 = app_urls.handler500


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok\n", content_type="text/plain; charset=utf-8")


urlpatterns = [*app_urls.urlpatterns, path("bench/bare/", bare, name="bench_bare")]
