"""Page weight: one page with everything it loads, on a first and a repeat visit.

The page's HTML is read for what a browser would fetch (style sheets, icons,
scripts, images, frames, media), and each style sheet for its ``url()`` and
``@import``. Everything on the app's own host is fetched with
``Accept-Encoding: gzip, br`` and counted as it came over the wire (headers
and body, compressed). Anything on another host is counted, not fetched.

A repeat visit follows HTTP caching as a browser does: a response that is
still fresh (``max-age`` without ``no-cache``) is not asked for again; one
with a validator (``ETag``, ``Last-Modified``) is asked for conditionally and
the answer (304) is counted; anything else is fetched again.
"""

import gzip
import re
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from bench.client import Browser, Response

ACCEPT = {
    "Accept-Encoding": "gzip, br",
    "Accept-Language": "nb-NO,nb;q=0.9,no;q=0.8,en;q=0.5",
    "User-Agent": "selvhjelp-bench (page weight)",
}
FETCHING_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "mask-icon",
    "preload",
    "modulepreload",
    "prefetch",
    "manifest",
}
CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE)
CSS_IMPORT = re.compile(r"@import\s+(['\"])(.*?)\1", re.IGNORECASE)


class ResourceParser(HTMLParser):
    """Collects what a browser would load (``loads``) and where links lead (``links``)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[str, str]] = []  # (kind, url)
        self.links: list[str] = []
        self.css_texts: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "style" in values:
            self.css_texts.append(values["style"])
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if rels & FETCHING_RELS and values.get("href"):
                self.loads.append(("/".join(sorted(rels & FETCHING_RELS)), values["href"]))
        elif tag in ("script", "img", "iframe", "embed", "audio", "video", "source", "track") and values.get("src"):
            self.loads.append((tag, values["src"]))
        elif tag == "input" and values.get("type", "").lower() == "image" and values.get("src"):
            self.loads.append(("input", values["src"]))
        elif tag == "object" and values.get("data"):
            self.loads.append(("object", values["data"]))
        if tag == "video" and values.get("poster"):
            self.loads.append(("video poster", values["poster"]))
        if tag in ("img", "source") and values.get("srcset"):
            for candidate in values["srcset"].split(","):
                if candidate.strip():
                    self.loads.append((tag, candidate.strip().split()[0]))
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag == "form" and values.get("action"):
            self.links.append(values["action"])
        if tag == "style":
            self._in_style = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.css_texts.append(data)


def css_references(text: str) -> list[str]:
    found = [match.group(2) for match in CSS_URL.finditer(text)]
    found += [match.group(2) for match in CSS_IMPORT.finditer(text)]
    return [url for url in found if url and not url.startswith(("data:", "#"))]


def decoded(response: Response) -> bytes:
    encoding = response.header("Content-Encoding").lower()
    if encoding == "gzip":
        return gzip.decompress(response.body)
    if encoding == "deflate":
        return zlib.decompress(response.body)
    if encoding == "br":
        import brotli  # type: ignore[import-not-found]  # only if the server sends br

        return brotli.decompress(response.body)
    return response.body


def cache_policy(response: Response) -> str:
    """What a browser does with this response on the next visit: cached, revalidate or refetch."""
    directives = {
        part.strip().split("=", 1)[0].lower(): (part.split("=", 1)[1].strip() if "=" in part else "")
        for part in response.header("Cache-Control").split(",")
        if part.strip()
    }
    if "no-store" in directives:
        return "refetch"
    max_age = directives.get("s-maxage") or directives.get("max-age")
    fresh = max_age is not None and max_age.isdigit() and int(max_age) > 0
    if fresh and "no-cache" not in directives:
        return "cached"
    if response.header("ETag") or response.header("Last-Modified"):
        return "revalidate"
    return "refetch"


@dataclass
class Fetched:
    url: str
    kind: str
    status: int
    encoding: str
    body_bytes: int
    header_bytes: int
    decoded_bytes: int
    cache_control: str
    policy: str
    repeat_bytes: int = 0
    repeat_status: int | None = None

    @property
    def wire_bytes(self) -> int:
        return self.body_bytes + self.header_bytes


@dataclass
class PageWeight:
    url: str
    fetched: list[Fetched] = field(default_factory=list)
    third_party_loads: list[str] = field(default_factory=list)
    third_party_links: list[str] = field(default_factory=list)
    html_gzip_bytes: int = 0

    @property
    def first_bytes(self) -> int:
        return sum(item.wire_bytes for item in self.fetched)

    @property
    def first_requests(self) -> int:
        return len(self.fetched)

    @property
    def repeat_bytes(self) -> int:
        return sum(item.repeat_bytes for item in self.fetched)

    @property
    def repeat_requests(self) -> int:
        return sum(1 for item in self.fetched if item.repeat_status is not None)


def measure(base: str, path: str) -> PageWeight:
    """Visit ``path`` twice as a browser with an empty cache, then a warm one, would."""
    browser = Browser(base, headers=ACCEPT)
    own_host = urlsplit(base).netloc
    page_url = urljoin(base, path)
    result = PageWeight(url=path)
    responses: dict[str, Response] = {}
    queue: list[tuple[str, str]] = [("document", page_url)]
    seen: set[str] = set()
    while queue:
        kind, url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            continue
        if parts.netloc != own_host:
            result.third_party_loads.append(url)
            continue
        request_path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = browser.get(request_path)
        responses[request_path] = response
        body = decoded(response)
        result.fetched.append(
            Fetched(
                url=request_path,
                kind=kind,
                status=response.status,
                encoding=response.header("Content-Encoding") or "identity",
                body_bytes=len(response.body),
                header_bytes=response.header_bytes,
                decoded_bytes=len(body),
                cache_control=response.header("Cache-Control"),
                policy="refetch" if kind == "document" and response.status != 200 else cache_policy(response),
            )
        )
        content_type = response.header("Content-Type").lower()
        if "text/html" in content_type:
            parser = ResourceParser()
            parser.feed(body.decode("utf-8", errors="replace"))
            result.html_gzip_bytes = len(gzip.compress(body, compresslevel=6)) if kind == "document" else 0
            queue += [(load_kind, urljoin(url, ref)) for load_kind, ref in parser.loads if not ref.startswith("data:")]
            queue += [("css url()", urljoin(url, ref)) for text in parser.css_texts for ref in css_references(text)]
            for link in parser.links:
                target = urlsplit(urljoin(url, link))
                if target.scheme in ("http", "https") and target.netloc != own_host:
                    result.third_party_links.append(urljoin(url, link))
        elif "text/css" in content_type:
            queue += [("css url()", urljoin(url, ref)) for ref in css_references(body.decode("utf-8", "replace"))]

    # The repeat visit, with the cookies and the cache of the first.
    for item in result.fetched:
        response = responses[item.url]
        if item.policy == "cached":
            continue
        headers = {}
        if item.policy == "revalidate":
            if response.header("ETag"):
                headers["If-None-Match"] = response.header("ETag")
            if response.header("Last-Modified"):
                headers["If-Modified-Since"] = response.header("Last-Modified")
        again = browser.get(item.url, headers=headers)
        item.repeat_status = again.status
        item.repeat_bytes = len(again.body) + again.header_bytes
    return result
