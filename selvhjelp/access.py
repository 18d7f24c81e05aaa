"""Who may open a page: every page about a contact point or an office is
reached only by its own members; anyone else gets a 404, as if it did not exist."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

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
