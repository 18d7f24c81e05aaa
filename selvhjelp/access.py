"""Who may open a page: every page about a contact point or an office is
reached only by its own members; anyone else gets a 404, as if it did not exist."""

from collections.abc import Callable, Sequence
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

View = Callable[..., HttpResponse]


def members_only(lookup: Callable[[HttpRequest, str], Model]) -> Callable[[View], View]:
    """Sign-in required; ``lookup(request, slug)`` finds the object among the user's own or raises 404."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: object, **kwargs: object) -> HttpResponse:
            return view(request, lookup(request, slug), *args, **kwargs)

        return wrapper

    return decorator


def own_places(request: HttpRequest, places: Sequence[Model], *, url_name: str, template: str) -> HttpResponse:
    """A user's own contact points or offices: straight to the only one, a list of several, 403 for none."""
    if not places:
        raise PermissionDenied
    if len(places) == 1:
        return redirect(url_name, places[0].slug)  # type: ignore[attr-defined]
    return render(request, template, {"places": places})
