"""A logging filter that keeps email addresses out of every log record."""

import logging
import re

ADDRESS = re.compile(r"[^\s<>\"'(),;:@]+@[^\s<>\"'(),;:@]+\.[^\s<>\"'(),;:@]+")
REDACTED = "[address]"
# Private links are secrets too: a 404 for a mistyped link must not log it.
PRIVATE_LINK = re.compile(r"/p/[^/\s\"']+")


def redact(text: str) -> str:
    return PRIVATE_LINK.sub("/p/[link]", ADDRESS.sub(REDACTED, text))


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
