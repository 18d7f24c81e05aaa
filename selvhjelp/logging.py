"""Logging: addresses kept out of every record, a request id in each, JSON lines in production."""

import contextvars
import datetime
import json
import logging
import re

ADDRESS = re.compile(r"[^\s<>\"'(),;:@]+@[^\s<>\"'(),;:@]+\.[^\s<>\"'(),;:@]+")
REDACTED = "[address]"
# Private links are secrets too: a 404 for a mistyped link must not log it.
# A person's link is /p/<token>/; a work account's set-password link is
# /passord/<id>/<token>/.
PRIVATE_LINK = re.compile(r"/(p|passord)/[^\s\"']+?(?=/?(?:[\s\"']|$))")

# The id of the web request (or of the request that queued the task) being
# handled now. Set by selvhjelp.middleware.RequestIdMiddleware and, in workers,
# by the task signals in selvhjelp.celery.
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def redact(text: str) -> str:
    return PRIVATE_LINK.sub(r"/\1/[link]", ADDRESS.sub(REDACTED, text))


class RedactAddresses(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class AddRequestId(logging.Filter):
    """Give every record the current request id (``-`` outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with a fixed set of keys.

    Only these keys are written, never arbitrary ``extra`` attributes, so that
    nothing reaches the log that the redaction filter has not seen.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id.get() or "-",
            "process": record.process,
        }
        if record.exc_info and not record.exc_text:
            # The redaction filter has normally formatted (and cleaned) it already.
            record.exc_text = redact(self.formatException(record.exc_info))
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
