"""What people (and programs pretending to be people) send: field-shaped input and hostile input.

Hostile text covers every plane of Unicode but surrogates, right-to-left text
and direction overrides, stacked combining marks, NUL and other control
characters, 10 KB strings, international domain names (as Unicode and as
punycode), huge and malformed numbers and dates, and markup. Requests add
repeated keys, missing keys, unknown keys, the wrong content type, bodies
that are not form data at all, files where text is expected, and methods a
page does not take.
"""

import datetime
import json
import string
from dataclasses import dataclass, field
from urllib.parse import quote

from hypothesis import strategies as st

from tests.fuzz.site import FormField, HtmlForm

BØLLE = "bølle.no"
BØLLE_PUNYCODE = BØLLE.encode("idna").decode()  # xn--blle-gra.no

ODD_STRINGS = [
    "",
    " ",
    "\u00a0\u2003\u3000",  # no-break, em and ideographic spaces
    "\x00",
    "ola\x00nordmann",
    "\r\n\r\n",
    "\t",
    "\x1b[31m",
    "\u202eevil\u202c",  # right-to-left override
    "שלום עולם",
    "مرحبا بالعالم",
    "\u200f\u200e\u2066\u2069",  # direction marks and isolates
    "a\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309",  # stacked combining marks
    "Z̸̡̢̛͎͓̹̮͍̪̈́̓̐͂͊͑͠a̶l̷g̴o̵",
    "\u200b\u200c\u200d\ufeff",  # zero-width characters, byte order mark
    "\U0001f469\u200d\U0001f469\u200d\U0001f467",  # a family emoji, joined
    "\U0001d54f\U0001d550\U0001d551",  # mathematical letters, plane 1
    "\U000e0041\U000e0001",  # tag characters, plane 14
    "\U000f0000\U0010fffd",  # private use, planes 15 and 16
    "\ufffd\uffff",
    "Guovdageaidnu – Kautokeino",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s %(x)s {0} {{ x }} {% csrf_token %}",
    "../../../../etc/passwd",
    "javascript:alert(1)",
    "None",
    "null",
    "true",
    "[]",
    "{}",
]

NUMBERS = [
    "0",
    "-1",
    "4",
    "10",
    "32767",
    "32768",
    "65535",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "1" + "0" * 100,
    "1e309",
    "-0",
    "0.5",
    "NaN",
    "Infinity",
    "0x10",
    "١٢",  # Arabic-Indic digits
    "５",  # a full-width digit
    "7\x00",
]

DATES = [
    "2026-02-30T25:61",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "10000-01-01T00:00",
    "2026-13-01T10:00",
    "1970-01-01T00:00",
    "31.12.2099 18:00",
    "2099-12-31 18:00",
    "2099-12-31T18:00:00+14:00",
    "tomorrow",
]

ADDRESSES = [
    "ola@example.no",
    f"ola@{BØLLE}",
    f"ola@{BØLLE_PUNYCODE}",
    f"ØYVIND@{BØLLE.upper()}",
    f"øyvind@{BØLLE}",  # a non-ASCII local part
    "ola@例え.jp",
    "ola@xn--r8jz45g.jp",
    "ola@bølle.no.",
    "ola@[127.0.0.1]",
    '"ola nordmann"@example.no',
    "ola+list@example.no",
    "ola@example",
    "ola@-bølle.no",
    "ola@xn--.no",
    "@example.no",
    "ola@",
    "ola@@example.no",
    "ola@example.no\nBcc: kari@example.no",
    "ola@example.no\x00",
    "x" * 64 + "@" + "y" * 63 + ".no",
    "x" * 300 + "@example.no",
    "ola@" + ("a" * 63 + ".") * 4 + "no",
]

# Addresses a careful person might have, IDN ones among them.
VALID_ADDRESSES = [
    "ola@example.no",
    f"ola@{BØLLE}",
    f"ola@{BØLLE_PUNYCODE}",
    f"ØYVIND@{BØLLE.upper()}",
    "kari.nordmann+gruppe@example.no",
    "ola@xn--r8jz45g.jp",
]

URLS = [
    "https://bølle.no/",
    f"https://{BØLLE_PUNYCODE}/om-oss",
    "bølle.no",
    "http://[::1",
    "https://example.no/" + "a" * 3000,
    "javascript:alert(1)",
    "data:text/html,<b>x</b>",
    "//example.no",
]

# Keys a mail provider's webhook looks for, so that random JSON reaches past the first check.
WEBHOOK_WORDS = [
    "event",
    "bounce",
    "blocked",
    "spam",
    "hard_bounce",
    "email",
    "MessageID",
    "message-id",
    "Message-Id",
    "RecordType",
    "Bounce",
    "SpamComplaint",
    "MessageID",
    "Type",
    "time",
    "ts",
    "date",
    "message-world",
    "message-waiting",
    "reason",
    "error_related_to",
]

unicode_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
right_to_left = st.text(st.characters(min_codepoint=0x0590, max_codepoint=0x06FF), min_size=1, max_size=20)
combining = st.text(st.characters(categories=["Mn", "Me"]), min_size=1, max_size=30).map(lambda marks: "a" + marks)
astral = st.text(st.characters(min_codepoint=0x10000, exclude_categories=["Cs"]), min_size=1, max_size=10)
controls = st.text(st.characters(categories=["Cc", "Cf", "Co", "Cn"]), min_size=1, max_size=10)
with_nul = st.builds(lambda before, after: f"{before}\x00{after}", unicode_text, unicode_text)
# 10 KB of one character (one to four bytes in UTF-8), sometimes with a NUL at the end.
ten_kilobytes = st.builds(
    lambda char, tail: char * (10_240 // len(char)) + tail,
    st.sampled_from(["x", "ø", "\u202e", "\U0001f600", "a\u0301", "\x00", " "]),
    st.sampled_from(["", "\x00", "@example.no"]),
)
numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
idn_addresses = st.builds(
    lambda local, domain: f"{local}@{domain}",
    st.sampled_from(["ola", "kari.nordmann", "øyvind", "ÆØÅ", "x" * 64]),
    st.sampled_from([BØLLE, BØLLE_PUNYCODE, "例え.jp", "пример.рф", "xn--e1afmkfd.xn--p1ai", "ærø.dk"]),
)

hostile_text = st.one_of(
    st.sampled_from(ODD_STRINGS),
    unicode_text,
    with_nul,
    ten_kilobytes,
    right_to_left,
    combining,
    astral,
    controls,
    numbers,
    st.sampled_from(ADDRESSES),
    idn_addresses,
    st.sampled_from(DATES),
    st.sampled_from(URLS),
)


def future_moment(days: int) -> str:
    moment = datetime.datetime.now() + datetime.timedelta(days=days)  # noqa: DTZ005 - what a browser sends
    return moment.strftime("%Y-%m-%dT%H:%M")


def field_value(entry: FormField, *, plausible: bool = False) -> st.SearchStrategy[str]:
    """A value shaped for this input, or (unless only plausible values are asked for) hostile text."""
    shaped: list[st.SearchStrategy[str]] = []
    if entry.values:
        shaped.append(st.sampled_from(entry.values))
    kind = entry.kind
    if kind == "email":
        shaped += [st.sampled_from(VALID_ADDRESSES), st.emails()]
        if not plausible:
            shaped += [st.sampled_from(ADDRESSES), idn_addresses]
    elif kind == "number":
        low = int(entry.attrs.get("min") or -5)
        high = int(entry.attrs.get("max") or 300)
        shaped.append(st.integers(low, high).map(str))
        if not plausible:
            shaped += [st.integers(low - 5, high + 5).map(str), numbers]
    elif kind in ("datetime-local", "date", "time"):
        shaped.append(st.integers(1, 400).map(future_moment))
        if not plausible:
            shaped += [st.integers(-400, 0).map(future_moment), st.sampled_from(DATES)]
    elif kind == "url":
        shaped.append(st.sampled_from(URLS))
    elif kind == "checkbox" and not plausible:
        shaped.append(st.sampled_from(["on", "off", "true", "false", "1", "0"]))
    elif kind in ("text", "textarea", "search", "tel", "password"):
        limit = int(entry.attrs.get("maxlength") or 200)
        shaped += [
            st.text(string.ascii_letters + " æøåÆØÅ.,", min_size=1, max_size=limit),
            st.text(string.ascii_letters, min_size=limit, max_size=limit + 2),
        ]
    elif kind == "hidden" and not plausible:
        shaped.append(st.uuids().map(str))
    if plausible:
        return st.one_of(*shaped) if shaped else st.text(string.ascii_letters, min_size=10, max_size=40)
    return st.one_of(*shaped, hostile_text) if shaped else hostile_text


OMIT: list[str] = []


def plausible_data(fields: dict[str, FormField]) -> st.SearchStrategy[dict[str, list[str]]]:
    """Every field filled in as a careful person would, odd only within what the field allows."""
    return st.fixed_dictionaries(
        {name: st.lists(field_value(entry, plausible=True), min_size=1, max_size=1) for name, entry in fields.items()}
    )


@st.composite
def mutated_data(draw, fields: dict[str, FormField]) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """A careful person's submission with one or two fields changed: hostile, left out or repeated.

    Most fields valid is what gets a request past the first check to the code behind it.
    """
    data = draw(plausible_data(fields))
    if not fields:
        return data
    for name in draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=2, unique=True)):
        data[name] = draw(
            st.one_of(
                st.lists(hostile_text, min_size=1, max_size=1),
                st.just(OMIT),
                st.lists(field_value(fields[name]), min_size=2, max_size=3),
            )
        )
    return {name: values for name, values in data.items() if values}


def form_data(fields: dict[str, FormField]) -> st.SearchStrategy[dict[str, list[str]]]:
    """Every field of a form, each left out, sent once, or repeated; and now and then a key nobody asked for."""
    known = st.fixed_dictionaries(
        {
            name: st.one_of(
                st.lists(field_value(entry), min_size=1, max_size=1),
                st.just(OMIT),
                st.lists(field_value(entry), min_size=2, max_size=3),
            )
            for name, entry in fields.items()
        }
    )
    unknown = st.dictionaries(
        st.one_of(st.sampled_from(["action", "next", "csrfmiddlewaretoken", "id", "pk"]), unicode_text),
        st.lists(hostile_text, min_size=1, max_size=2),
        max_size=2,
    )
    return st.builds(
        lambda known, unknown: {name: values for name, values in {**unknown, **known}.items() if values},
        known,
        unknown,
    )


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(WEBHOOK_WORDS),
        hostile_text,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(WEBHOOK_WORDS), unicode_text), children, max_size=4),
    ),
    max_leaves=12,
)


def latin1(value: str) -> str:
    """A header as WSGI hands it over: UTF-8 bytes read as Latin-1."""
    return value.encode("utf-8", "surrogatepass").decode("latin-1")


@dataclass
class Request:
    method: str
    path: str
    data: dict[str, list[str]] = field(default_factory=dict)
    body: bytes | None = None
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    upload: bool = False

    def __repr__(self) -> str:
        shown = {
            key: [value[:80] + ("…" if len(value) > 80 else "") for value in values]
            for key, values in self.data.items()
        }
        return (
            f"Request({self.method} {self.path[:200]!r}, data={shown!r}, "
            f"body={(self.body or b'')[:200]!r}, content_type={self.content_type!r}, headers={self.headers!r})"
        )


# Every field of a form filled with the same odd value: each kind the fuzzing promises, tried on every form.
EVERY_FIELD = [
    "ola\x00nordmann",
    "ø" * 10_240,
    f"ola@{BØLLE}",
    f"ola@{BØLLE_PUNYCODE}",
    "\u202eשלום a\u0301\u0302\u0303 \U0001d54f\U000e0041",
    "9223372036854775808",
]


FREE_TEXT = {"text", "textarea", "email", "search", "url", "tel", "number", "datetime-local", "password"}


def careful(entry: FormField) -> str:
    """What a careful person enters in this input."""
    chosen = [value for value in entry.values if value]
    if entry.kind in ("hidden", "button", "submit", "radio", "select", "checkbox") and chosen:
        return chosen[0]
    if entry.kind == "number":
        low, high = int(entry.attrs.get("min") or 0), int(entry.attrs.get("max") or 1000)
        return str(max(low, min(high, 8)))
    limit = int(entry.attrs.get("maxlength") or 1000)
    if limit < 10:
        return "1234567890"[:limit]  # a postcode, say
    return {
        "email": "ola@example.no",
        "datetime-local": future_moment(7),
        "url": f"https://{BØLLE}/",
        "checkbox": "on",
    }.get(entry.kind, "Ola Nordmann, kontaktpunktet"[:limit])


def careful_submission(form: HtmlForm, path: str, **changed: str) -> Request:
    data = {name: [changed.get(name, careful(entry))] for name, entry in form.fields.items()}
    return Request("GET" if form.method == "get" else "POST", path, data=data)


def canned(form: HtmlForm, path: str, *, per_field: bool) -> list[Request]:
    """The odd values the fuzzing promises, tried on every form whatever Hypothesis draws.

    Every field at once; and, with ``per_field``, a careful person's submission with one
    free-text field at a time changed, so that the odd value gets past the other fields.
    """
    requests = [careful_submission(form, path)]
    for value in EVERY_FIELD:
        method = "GET" if form.method == "get" else "POST"
        requests.append(Request(method, path, data={name: [value] for name in form.fields} or {"q": [value]}))
        if per_field:
            for name, entry in form.fields.items():
                if entry.kind in FREE_TEXT:
                    requests.append(careful_submission(form, path, **{name: value}))
    if per_field:
        # As long as the page lets a browser type: what the page takes, the models must store.
        for name, entry in form.fields.items():
            if entry.kind in FREE_TEXT and entry.attrs.get("maxlength", "").isdigit():
                requests.append(careful_submission(form, path, **{name: "ø" * int(entry.attrs["maxlength"])}))
    twice = {name: [careful(entry), careful(entry), "tre"] for name, entry in form.fields.items()}
    requests.append(Request("GET" if form.method == "get" else "POST", path, data=twice or {"q": ["en", "to"]}))
    return requests


@st.composite
def requests(draw, *, path: str, forms: list[HtmlForm], params: dict[str, str]) -> Request:  # type: ignore[no-untyped-def]
    """One request to a page: mostly its own forms, filled in oddly; sometimes something else entirely."""
    form = draw(st.sampled_from(forms)) if forms else HtmlForm(draw(st.sampled_from(["get", "post"])), "")
    kind = draw(
        st.sampled_from(
            ["mutated", "plausible", "mutated", "form", "mutated", "plausible", "swapped"]
            + ["json", "raw", "upload", "method", "path"]
        )
    )
    if kind == "plausible":
        data = draw(plausible_data(form.fields))
    elif kind in ("mutated", "upload"):
        data = draw(mutated_data(form.fields))
    else:
        data = draw(form_data(form.fields))
    headers = {}
    if draw(st.booleans()):
        headers["Accept-Language"] = draw(
            st.one_of(
                st.sampled_from(["nb", "no-NO,no;q=0.9", "se", "en;q=0.1,*", "xx-ÆØÅ;q=2"]), hostile_text.map(latin1)
            )
        )
    if draw(st.booleans()):
        headers[draw(st.sampled_from(["X-Forwarded-For", "X-Request-ID", "Referer", "User-Agent"]))] = latin1(
            draw(hostile_text)
        )
    method = form.method.upper() if form.method in ("get", "post") else "POST"
    if kind == "swapped":
        method = "GET" if method == "POST" else "POST"
    if kind == "method":
        method = draw(st.sampled_from(["PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "PROPFIND"]))
    if kind == "path" and params:
        # A path parameter replaced by something odd, as a hand-edited link would be.
        name = draw(st.sampled_from(sorted(params)))
        odd = draw(hostile_text.filter(lambda value: value and len(value) < 2000))
        path = path.replace(quote(params[name], safe=""), quote(odd, safe=""), 1)
    if kind == "json":
        body = json.dumps(draw(json_values)).encode()
        return Request("POST", path, body=body, content_type="application/json", headers=headers)
    if kind == "raw":
        body = draw(st.one_of(st.binary(max_size=200), hostile_text.map(lambda text: text.encode("utf-8", "replace"))))
        content_type = draw(
            st.sampled_from(
                [
                    "multipart/form-data",
                    "multipart/form-data; boundary=x",
                    "application/x-www-form-urlencoded",
                    "application/x-www-form-urlencoded; charset=latin-1",
                    "application/x-www-form-urlencoded; charset=no-such-charset",
                    "text/plain",
                    "application/xml",
                ]
            )
        )
        return Request("POST", path, body=body, content_type=content_type, headers=headers)
    return Request(method, path, data=data, headers=headers, upload=kind == "upload")
