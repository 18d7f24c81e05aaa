"""A log handler that keeps records, with the same filters as the app's handlers."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from selvhjelp.logging import AddRequestId, RedactAddresses


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.addFilter(AddRequestId())
        self.addFilter(RedactAddresses())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def request_ids(self, logger_name: str) -> set[str]:
        return {r.request_id for r in self.records if r.name == logger_name}  # type: ignore[attr-defined]


@contextmanager
def captured(*names: str) -> Iterator[Capture]:
    """Records written to these loggers (and those below them) while the block runs."""
    handler = Capture()
    loggers = [logging.getLogger(name) for name in names]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        for logger, level in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)
