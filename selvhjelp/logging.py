"""Logging: addresses kept out of every record, a request id in each, JSON lines in production."""

import contextvars
import datetime
import json
import logging
import re

# An address is any run of text between whitespace that holds an @ (or a
# URL-encoded %40): no attempt to tell a valid address from an odd one, so
# that plus-tags, IDN domains, domains without a dot and whatever a mail
# server echoes all go. A quoted local part may hold spaces and escaped quotes
# ("kari nordmann"@example.org): a run with a quote in it reaches on, along
# its line, to the nearest "@ (or "%40) within QUOTED_REACH characters, more
# than any quoted local part takes (at most 64 octets, escapes doubled), and
# few enough that redacting stays linear in the length of the text. The run
# goes with the address, brackets, quotes and all: logs lose a little
# punctuation, never an address.
QUOTED_REACH = 256
ADDRESS = re.compile(
    rf"""(?<!\S)[^\s"]*"[^\r\n]{{0,{QUOTED_REACH}}}?"(?:@|%40)\S*"""  # a quoted local part, spaces and all
    r"""|(?<!\S)\S*?(?:@|%40)\S*"""  # any other run with an @ in it
)
REDACTED = "[address]"
# Private links are secrets too: a 404 for a mistyped link must not log it.
# A person's link is /p/<token>/; a work account's set-password link is
# /passord/<id>/<token>/. In any case: /P/<token>/ reaches a log as a 404.
PRIVATE_LINK = re.compile(r"/(p|passord)/[^\s\"']+?(?=/?(?:[\s\"']|$))", re.IGNORECASE)

# The id of the web request (or of the request that queued the task) being
# handled now. Set by selvhjelp.middleware.RequestIdMiddleware and, in workers,
# by the task signals in selvhjelp.celery.
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def redact(text: str) -> str:
    if "@" in text or "%40" in text:
        text = ADDRESS.sub(REDACTED, text)
    return PRIVATE_LINK.sub(r"/\1/[link]", text)


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
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
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
