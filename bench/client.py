"""A small HTTP client for the benchmark: cookies by hand, bodies as sent.

The production cookies are ``Secure``; a browser would keep them only for
https, but on the plain hop from a proxy to gunicorn they travel all the same,
so this client keeps every cookie it is given. Bodies are returned exactly as
they came over the wire (still compressed), so that page weight is what a
browser would download.
"""

import base64
import http.client
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django_otp.oath import totp

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CODE_STEP = 30  # seconds: a code app shows a new code this often (django-otp's default, the app's)


@dataclass
class Response:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    seconds: float

    def header(self, name: str, default: str = "") -> str:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return default

    @property
    def header_bytes(self) -> int:
        """The size of the status line and headers as they came over the wire (close enough)."""
        return len(f"HTTP/1.1 {self.status} {self.reason}\r\n") + sum(len(f"{k}: {v}\r\n") for k, v in self.headers) + 2

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def csrf_token(self) -> str:
        match = CSRF_TOKEN.search(self.text)
        if not match:
            raise RuntimeError("no CSRF token on the page")
        return match.group(1)

    def hidden(self, name: str) -> str:
        """The value of the hidden field ``name`` on the page (such as the sign-up form's time stamp)."""
        match = re.search(rf'name="{re.escape(name)}" value="([^"]+)"', self.text)
        if not match:
            raise RuntimeError(f"no field {name} on the page")
        return match.group(1)


class Browser:
    """One visitor: a cookie jar and a base address (http://127.0.0.1:PORT)."""

    def __init__(self, base: str, headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(base)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.cookies: dict[str, str] = {}
        self.headers = headers or {}

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(
        self, method: str, path: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        all_headers = {**self.headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = self.cookie_header()
        body = None
        if data is not None:
            body = urlencode(data).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            payload = response.read()  # as sent: http.client does not undo Content-Encoding
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        headers_list = list(response.getheaders())
        for key, value in headers_list:
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if "max-age=0" in value.lower() or not cookie_value or cookie_value == '""':
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = cookie_value
        return Response(response.status, response.reason, headers_list, payload, seconds)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict[str, str], page: Response) -> Response:
        """POST a form shown on ``page``, with the page's CSRF token."""
        return self.request("POST", path, data={**data, "csrfmiddlewaretoken": page.csrf_token()})

    def log_in(self, email: str, password: str, code_key: str) -> None:
        """Both steps, through the real sign-in pages: the password, then the code a code app with
        ``code_key`` (base32) shows now, computed as the app checks it (TOTP, 30 s, 6 digits).

        The app takes each code once: if this account's code was taken in this 30-second step
        (an earlier sign-in), the next step's code is waited for and sent.
        """
        page = self.get("/logg-inn/")
        response = self.post("/logg-inn/", {"username": email, "password": password}, page)
        if response.status != 302:
            raise RuntimeError(f"the password of {email} was refused: {response.status}")
        key = base64.b32decode(code_key + "=" * (-len(code_key) % 8))
        for _attempt in range(2):
            page = self.get("/logg-inn/kode/")
            response = self.post("/logg-inn/kode/", {"code": f"{totp(key):06d}"}, page)
            if response.status == 302 and "sessionid" in self.cookies:
                return
            time.sleep(CODE_STEP - time.time() % CODE_STEP + 1)  # the next code
        raise RuntimeError(f"could not sign in as {email}: {response.status}")
