"""A request id for every request: in each log record, in the response, and in the tasks it queues;
and a request whose database connection was dropped, answered once more."""

import logging
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import OperationalError, connection
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from selvhjelp.logging import request_id

logger = logging.getLogger(__name__)
HEADER = "X-Request-ID"
# What a proxy's id looks like (nginx's $request_id, a UUID, ...). Anything
# else is replaced, so that a client cannot write arbitrary text into the logs.
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_for(request: HttpRequest) -> str:
    offered = request.headers.get(HEADER, "")
    if settings.TRUST_REQUEST_ID_HEADER and WELL_FORMED.fullmatch(offered):
        return offered
    return new_request_id()


class RequestIdMiddleware:
    """Put first in MIDDLEWARE, so that every response carries the id, redirects and errors too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = request_id_for(request)
        request.request_id = rid  # type: ignore[attr-defined]
        request_id.set(rid)
        response = self.get_response(request)
        response[HEADER] = rid
        return response


# The id stays set until the response is closed, so that Django's own line
# about a 4xx or 5xx response (written after the middleware has returned)
# carries it too; the next request starts clean.
@receiver(request_started, dispatch_uid="selvhjelp.request_id.started")
@receiver(request_finished, dispatch_uid="selvhjelp.request_id.finished")
def forget_request_id(**kwargs: object) -> None:
    request_id.set(None)


def _dropped(exception: OperationalError) -> bool:
    """The connection was lost: the server ended it (SQLSTATE class 57P: an operator, a shutdown), it
    failed (class 08), or the client found it gone (no SQLSTATE). Not a deadlock, a lock timeout or
    anything else the server reports about the work itself."""
    sqlstate = getattr(exception.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(("08", "57P"))


class AnswerAgainOnADroppedConnectionMiddleware:
    """A request whose database connection was dropped under it (PostgreSQL restarted, a failover, an
    operator's ``pg_terminate_backend``) is answered once more on a new connection, instead of with a
    server error. Safe because nothing of the first try is half done: each change is one transaction,
    which the dropped connection rolled back, and every change can be made twice with the effect of
    once (a sign-up is recorded once per address, confirming twice confirms once, staff forms carry a
    request key). A drop during a commit leaves unknown whether it committed: the second try then does
    what the person pressing the button again would do. Any other database error, or a second drop, is
    a server error as before."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError) or getattr(request, "answered_again", False):
            return None
        if connection.in_atomic_block or not _dropped(exception):
            return None
        logger.warning("The database connection was dropped during a request; answering it once more")
        connection.close()
        request.answered_again = True  # type: ignore[attr-defined]
        match = request.resolver_match
        if match is None:
            return None
        response: HttpResponse = match.func(request, *match.args, **match.kwargs)
        return response
