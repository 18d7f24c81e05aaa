"""Error pages: plain words, never a stack trace."""

from collections.abc import Callable

from anymail.exceptions import AnymailError, AnymailWebhookValidationFailure
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "csrf_failure.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Each kind of account lands on its own pages."""
    user = request.user
    if user.contact_points.exists():  # type: ignore[union-attr]
        return redirect("staff:home")
    if user.offices.exists():  # type: ignore[union-attr]
        return redirect("figures:home")
    if user.is_staff:
        return redirect("admin:index")
    return render(request, "403.html", status=403)


def webhook(view_class: type) -> Callable[..., HttpResponse]:
    """A mail provider's tracking webhook, open only when a shared secret is configured.

    A report the provider's parser cannot read is answered 400, not 500: a 500
    tells the provider to send the same unreadable report again.
    """

    class Readable(view_class):  # type: ignore[misc, valid-type]
        def parse_events(self, request: HttpRequest) -> list[object]:
            try:
                return list(super().parse_events(request))
            except (ValueError, LookupError, TypeError, AttributeError, AnymailError) as error:
                raise AnymailWebhookValidationFailure("The report could not be read") from error

    Readable.__name__ = Readable.__qualname__ = view_class.__name__
    view = Readable.as_view()

    @csrf_exempt
    def secured(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
            raise Http404
        return view(request, *args, **kwargs)

    return secured
