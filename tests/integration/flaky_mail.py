"""A mail backend for the fault tests, standing in for the mail provider.

Every message it accepts becomes one file ``<uuid>.eml`` in ``EMAIL_FILE_PATH``,
written whole (through a temporary name and a rename), so a test can count
what each recipient got. Two knobs, read from the environment of the worker:

``FLAKY_MAIL_DELAY``
    Seconds the provider takes to answer, after it has accepted the message.
    A worker killed in that time has sent the message but not recorded it.
``FLAKY_MAIL_DOWN_FLAG``
    A path; while a file exists there, the provider answers 503 and accepts
    nothing, the way anymail reports an outage.
"""

import os
import time
import uuid
from pathlib import Path

import requests
from anymail.exceptions import AnymailAPIError
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


def unavailable() -> requests.Response:
    response = requests.Response()
    response.status_code = 503
    response.reason = "Service Unavailable"
    response._content = b'{"message": "Service temporarily unavailable"}'
    return response


class EmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs: object) -> None:
        super().__init__(fail_silently=fail_silently)
        self.directory = Path(settings.EMAIL_FILE_PATH)
        self.delay = float(os.environ.get("FLAKY_MAIL_DELAY", "0"))
        flag = os.environ.get("FLAKY_MAIL_DOWN_FLAG", "")
        self.down_flag = Path(flag) if flag else None

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        sent = 0
        for message in email_messages:
            if self.down_flag is not None and self.down_flag.exists():
                raise AnymailAPIError(
                    "Flaky mail is down",
                    status_code=503,
                    response=unavailable(),
                    email_message=message,
                    esp_name="Flaky",
                )
            name = uuid.uuid4().hex
            partial = self.directory / f"{name}.part"
            partial.write_bytes(message.message().as_bytes())
            partial.rename(self.directory / f"{name}.eml")
            sent += 1
            if self.delay:
                time.sleep(self.delay)
        return sent
