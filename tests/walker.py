"""A breadth-first crawler of the web pages a signed-in user can reach by following links.

Used by the page walk (tests/test_page_walk.py): from the home page it follows every
same-origin link (`<a href>` and htmx `hx-get`), GET only, and records each page's status,
the chain of pages that led there and, for a server error, the exception. Bounded: at most
`limit` pages, a few variants of one route (paths that differ only by ids or query values),
the first few pages of a paged list; never logout, media, static files or the Django admin.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlencode, urlsplit

from django.test import Client

SKIP_PREFIXES = ("/static/", "/media/", "/admin/", "/i18n/", "/jsi18n/", "/api/")
SKIP_WORDS = ("logout",)
PAGE_PARAMS = {"page"}
MAX_PAGE = 3  # follow list pages 1..3 only
VARIANTS = 3  # pages per route shape (ids and query values replaced)
HTML = "text/html"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.found.append(values["href"] or "")
        if values.get("hx-get"):
            self.found.append(values["hx-get"] or "")


def links_in(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.found


def normalise(href: str, base: str) -> str | None:
    """The same-origin path + query a link points to (sorted query), or None to skip it."""
    href = urldefrag(href.strip())[0]
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "data:", "blob:")):
        return None
    parts = urlsplit(href)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.netloc not in ("testserver", "localhost", "127.0.0.1"):
        return None
    path = parts.path
    if not path:
        path = urlsplit(base).path
    elif not path.startswith("/"):
        path = urlsplit(base).path.rsplit("/", 1)[0] + "/" + path
    if path.startswith(SKIP_PREFIXES) or any(w in path for w in SKIP_WORDS):
        return None
    query = parse_qsl(parts.query, keep_blank_values=True)
    for key, value in query:
        if key in PAGE_PARAMS and (not value.isdigit() or int(value) > MAX_PAGE):
            return None
    query = sorted(query)
    return path + ("?" + urlencode(query) if query else "")


SHAPE_RE = re.compile(r"\d+")


def shape(url: str) -> tuple[str, tuple[str, ...]]:
    """The route a URL belongs to, for bounding variants: ids replaced, query names only."""
    parts = urlsplit(url)
    keys = tuple(sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)} - PAGE_PARAMS))
    return SHAPE_RE.sub("#", parts.path), keys


@dataclass
class Visit:
    url: str
    status: int
    chain: list[str]
    error: str = ""


@dataclass
class Walk:
    visits: list[Visit] = field(default_factory=list)

    @property
    def routes(self) -> int:
        """How many route shapes were walked (paths alike but for ids and query values)."""
        return len({shape(v.url) for v in self.visits})

    @property
    def failures(self) -> list[Visit]:
        return [v for v in self.visits if v.status >= 500]

    def report(self) -> str:
        lines = []
        for v in self.failures:
            lines.append(f"{v.status} {v.url}\n    via {' → '.join(v.chain) or '(start)'}\n    {v.error}")
        return "\n".join(lines)


def sign_in(username: str, password: str) -> Client:
    """A browser client signed in through the web login form (CSRF token read from the form)."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    form = client.get("/accounts/login/")
    assert form.status_code == 200, form.status_code
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())
    assert token, "the login form carries no CSRF token"
    answer = client.post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password},
    )
    assert answer.status_code == 302, f"{username} could not sign in ({answer.status_code})"
    assert "/accounts/login/" not in answer["Location"], f"{username} was sent back to the login page"
    return client


def _error(answer) -> str:
    info = getattr(answer, "exc_info", None)
    if info and info[1] is not None:
        return f"{type(info[1]).__name__}: {str(info[1])[:300]}"
    return ""


def _body(answer) -> tuple[int, str, str]:
    """Status, text (HTML only) and error of an answer, reading a streamed one to its end (a
    stream can fail half-way, after its 200 status line)."""
    status = answer.status_code
    if answer.streaming:
        try:
            raw = b"".join(answer.streaming_content)
        except Exception as exc:
            return 500, "", f"while streaming: {type(exc).__name__}: {str(exc)[:300]}"
    else:
        raw = answer.content
    is_html = HTML in answer.get("Content-Type", "")
    return status, raw.decode("utf-8", "replace") if is_html else "", _error(answer)


def walk(client: Client, start: str = "/", limit: int = 400) -> Walk:
    """Breadth-first from `start`, following redirects as links; at most `limit` pages."""
    result = Walk()
    queue: deque[tuple[str, list[str]]] = deque([(start, [])])
    seen = {start}
    per_shape: dict[tuple, int] = {}
    while queue and len(result.visits) < limit:
        url, chain = queue.popleft()
        answer = client.get(url)
        status, text, error = _body(answer)
        result.visits.append(Visit(url, status, chain, error))
        found: list[str] = []
        if status in (301, 302, 303, 307, 308):
            found = [answer["Location"]]
        elif text:
            found = links_in(text)
        for href in found:
            target = normalise(href, url)
            if target is None or target in seen:
                continue
            seen.add(target)
            key = shape(target)
            if per_shape.get(key, 0) >= VARIANTS:
                continue
            per_shape[key] = per_shape.get(key, 0) + 1
            queue.append((target, [*chain, url]))
    return result
