"""The tenancy walk for pages addressed by query string (issue 14 §1): statistics, compliance,
their exports and PDFs read `?unit=…&class=…&campaign=…`. The sibling outsider asks for the
insider's unit, class and campaign and is refused (403/404) with none of the insider's data.

Such pages are discovered, not listed: every web route of the URL resolver is requested by the
insiders with a request whose query dictionary records which keys the view reads (views and the
helpers they call alike), and every API operation whose OpenAPI parameters name one of the keys
is taken. A page that starts reading `?unit=` is walked without editing this file.
"""

from __future__ import annotations

import io
import json
import zipfile
from itertools import product

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.test import Client

from safecampus.accounts.auth import issue_token
from safecampus.accounts.models import User
from safecampus.api import api
from safecampus.core.models import Unit
from safecampus.roster.models import SchoolClass

from .exits import samples as exits
from .guards import samples as guards
from .hazards import samples as hazards
from .notices import samples as notices
from .risks import samples as risks
from .roster.samples import ensure_k1_roster
from .supervision import samples as supervision
from .test_tenancy_walk import K1_S1, MARKERS, all_routes, fill, roster_sample, roster_samples  # noqa: F401
from .training import walk_samples as training
from .training.manage_samples import k1_content

# Query keys that address a tenant's place or content.
KEYS = ("unit", "grade", "class", "campaign", "course")
INSIDERS = ("demo_county", "demo_principal")
OUTSIDERS = {"demo_county2": "demo-c1-k2", "demo_principal2": "demo-c1-k2-s1"}  # and their own unit
WALKED: dict[str, int] = {}  # outsider → addresses asked (the run's summary shows it)


class RecordingQueryDict(QueryDict):
    """A query dictionary that notes which keys are read."""

    read: set[str]

    def _note(self, key: object) -> None:
        if isinstance(key, str):
            self.__dict__.setdefault("read", set()).add(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        self._note(key)
        return super().__contains__(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)


class Recorder:
    """Patch requests' GET to record reads; `reads` maps a path to the keys its view read."""

    def __init__(self) -> None:
        self.current: RecordingQueryDict | None = None

    def get(self, request: WSGIRequest) -> RecordingQueryDict:
        if "_recorded_get" not in request.__dict__:
            raw = request.META.get("QUERY_STRING", "")
            request.__dict__["_recorded_get"] = RecordingQueryDict(raw, encoding=request._encoding)
            self.current = request.__dict__["_recorded_get"]
        return request.__dict__["_recorded_get"]


def web_routes_reading_keys(monkeypatch) -> dict[str, set[str]]:
    """Web route pattern → the query keys its view reads when an insider opens it (no query)."""
    recorder = Recorder()
    monkeypatch.setattr(WSGIRequest, "GET", property(recorder.get), raising=False)
    found: dict[str, set[str]] = {}
    for username in INSIDERS:
        web = Client(raise_request_exception=False)
        for route in all_routes():
            if route.startswith("api/") or "logout" in route:
                continue
            path, _has_object = fill(route)
            web.force_login(User.objects.get(username=username))
            recorder.current = None
            resp = web.get(path)
            if resp.streaming:
                b"".join(resp.streaming_content)
            read = set(recorder.current.__dict__.get("read", ())) if recorder.current is not None else set()
            wanted = read & set(KEYS)
            if wanted:
                found.setdefault(route, set()).update(wanted)
    monkeypatch.undo()
    return found


def _types(schema: dict) -> set[str]:
    options = schema.get("anyOf", [schema])
    return {o.get("type") or "ref" for o in options} - {"null"}


def api_routes_reading_keys() -> dict[str, set[str]]:
    """API path (OpenAPI form) → the query keys of its GET operation that name a unit (by id or
    code) or another object by id (an enumerated `grade` of hazards names no object)."""
    schema = api.get_openapi_schema()
    found: dict[str, set[str]] = {}
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        keys = set()
        for p in get.get("parameters", []):
            types = _types(p.get("schema", {}))
            if p.get("in") == "query" and p["name"] in KEYS and ("integer" in types or p["name"] == "unit"):
                required = "!" if p.get("required") else ""
                keys.add(f"{p['name']}:{'id' if 'integer' in types else 'code'}{required}")
        if keys:
            found[path] = keys
    return found


@pytest.fixture
def k1_samples(roster_samples):  # noqa: F811 - the tenancy walk's fixture
    ensure_k1_roster()
    roster_sample()
    training.k1_campaign()
    k1_content()
    risks.k1_plan()
    hazards.k1_hazard()
    supervision.k1_listing(), supervision.k1_letter()
    guards.k1_guard()  # a guard of demo-c1-k1-s1 (the staffing board and API read ?unit=)
    exits.k1_pass()  # an approved exit pass: its pages and the gate's lists read it
    notices.k1_notice()  # the county's letter: its board and reach read ?unit=&grade=&class=


def insider_values() -> dict[str, list[str]]:
    """Each key's values that name demo-c1-k1's places and content (a unit by code or by id)."""
    school, county = Unit.objects.get(code=K1_S1), Unit.objects.get(code="demo-c1-k1")
    klass = SchoolClass.objects.filter(unit=school, students__isnull=False).first()
    return {
        "unit": [school.code, str(school.pk), county.code, str(county.pk)],
        "grade": [str(klass.grade_id)],
        "class": [str(klass.pk)],
        "campaign": [str(training.campaign_id())],
        "course": [str(training.course_id())],
    }


def text_of(resp) -> tuple[str, str]:
    """(kind, text) of an answer: html/json/text as is, an Excel file's cells, a PDF as `pdf`
    (an insider's PDF or Excel file proves the address; an outsider gets neither)."""
    raw = b"".join(resp.streaming_content) if resp.streaming else resp.content
    if raw.startswith(b"%PDF"):
        return "pdf", ""
    if "json" in resp.get("Content-Type", ""):
        return "text", json.dumps(json.loads(raw or b"null"), ensure_ascii=False)  # names unescaped
    if raw.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(raw)) as book:
            xml = [book.read(n).decode("utf-8", "replace") for n in book.namelist() if n.endswith(".xml")]
        return "xlsx", "\n".join(xml)
    return "text", raw.decode("utf-8", "replace")


def leaked(text: str, url: str = "") -> list[str]:
    """Markers of demo-c1-k1 in the text, but for those the request itself named (a page may
    echo its own address, e.g. in the language switcher's `next`)."""
    return [m for m in MARKERS if m in text and m not in url]


def addresses(
    route: str, keys: set[str], values: dict[str, list[str]], own: list[str] | None = None
) -> list[str]:
    """The route asked for demo-c1-k1: every value of `unit` with the other read keys (several
    subsets of them). A typed key (`unit:id`, `unit:code`, from the API's schema) takes only
    values of that form; a required one (`campaign:id!`) is always sent. With `own` (the
    outsider's unit by code and id): the outsider's own unit with demo-c1-k1's class, campaign or
    course."""
    path, _has_object = fill(route.replace("{", "<").replace("}", ">").lstrip("/"))
    values = {**values, "unit": own} if own else values

    def choices(key: str) -> list[str]:
        name, _sep, form = key.rstrip("!").partition(":")
        found = values[name]
        if form == "id":
            return [v for v in found if v.isdigit()]
        if form == "code":
            return [v for v in found if not v.isdigit()]
        return found

    unit_key = next((k for k in keys if k.partition(":")[0] == "unit"), None)
    if own and not unit_key:
        return []
    needed = {k.partition(":")[0]: choices(k)[0] for k in sorted(keys) if k.endswith("!") and k != unit_key}
    others = {
        k.partition(":")[0]: choices(k)[0] for k in sorted(keys) if k != unit_key and not k.endswith("!")
    }
    # every other key at once, none, each alone, and all but one (a person is not in every class);
    # keys the API requires always
    subsets = [others, {}, *({k: v} for k, v in others.items())]
    subsets += [{k: v for k, v in others.items() if k != left} for left in others]
    subsets = [{**needed, **rest} for rest in subsets]
    if own:  # the outsider's own unit is theirs: only demo-c1-k1's objects make it an attack
        subsets = [rest for rest in subsets if set(rest) & {"class", "campaign", "course"}]
    urls: list[str] = []
    for unit, rest in product(choices(unit_key) if unit_key else [None], subsets):
        query = {**({"unit": unit} if unit else {}), **rest}
        url = path + "?" + "&".join(f"{k}={v}" for k, v in query.items())
        if query and url not in urls:
            urls.append(url)
    return urls


def tenant_routes(monkeypatch) -> dict[str, set[str]]:
    """Routes addressed by a tenant key (a hazard `grade` alone is a category, not a place)."""
    found = {**web_routes_reading_keys(monkeypatch), **api_routes_reading_keys()}
    return {route: keys for route, keys in found.items() if {k.partition(":")[0] for k in keys} - {"grade"}}


def clients(username: str) -> tuple[Client, Client]:
    user = User.objects.get(username=username)
    web = Client(raise_request_exception=False)
    web.force_login(user)
    return web, Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {issue_token(user)}")


def _proven(route: str, urls: list[str], insiders: dict[str, tuple[Client, Client]]) -> bool:
    """Is an insider shown one of the addresses (so the walk is not refusing a typo)?"""
    pick = 1 if route.startswith("/api/") else 0
    for pair, url in product(insiders.values(), urls):
        resp = pair[pick].get(url)
        kind, text = text_of(resp)
        if resp.status_code == 200 and (kind != "text" or leaked(text)):
            return True
    return False


def test_query_walk(k1_samples, monkeypatch):
    routes = tenant_routes(monkeypatch)
    known = ["training/stats/", "training/compliance/", "training/stats/summary.pdf", "hazards/stats/"]
    for route in [*known, "training/stats/export/people.xlsx", "/api/v1/training/stats"]:
        assert route in routes, f"{route} is not discovered as addressed by query"
    values = insider_values()
    insiders = {name: clients(name) for name in INSIDERS}
    unproven, refused_wrongly, leaks = [], [], []
    for route, keys in sorted(routes.items()):
        if not _proven(route, addresses(route, keys, values), insiders):
            unproven.append(route)
        for name, own_code in OUTSIDERS.items():
            own = Unit.objects.get(code=own_code)
            urls = addresses(route, keys, values) + addresses(route, keys, values, [own.code, str(own.pk)])
            pair = clients(name)
            for url in urls:
                resp = pair[1 if route.startswith("/api/") else 0].get(url)
                kind, text = text_of(resp)
                where = f"GET {url} as {name} → {resp.status_code}"
                if resp.status_code not in (403, 404):
                    refused_wrongly.append(where)
                if kind != "text" or leaked(text, url):
                    leaks.append(f"{where}: {kind} {leaked(text, url)}")
                WALKED[name] = WALKED.get(name, 0) + 1
    print(f"\nquery walk: {len(routes)} routes; requests per outsider: {WALKED}")
    assert not leaks, "outsiders saw demo-c1-k1's data:\n" + "\n".join(leaks)
    assert not refused_wrongly, "outsiders were not refused:\n" + "\n".join(refused_wrongly)
    assert not unproven, f"no insider is shown these addresses (fix the sample values): {unproven}"
