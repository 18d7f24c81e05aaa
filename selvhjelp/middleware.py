"""A request id for every request: in each log record, in the response, and in the tasks it queues."""

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from selvhjelp.logging import request_id

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
