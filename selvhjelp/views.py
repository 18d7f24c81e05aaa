"""Error pages: plain words, never a stack trace."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


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
