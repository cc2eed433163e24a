"""Training statistics pages (mounted at /training/stats/): the dashboard of a place with its child
places, the people lists, a person's courses, Excel exports and the PDF summary.

Every view reads its place and scope through `pages.resolve` (built on `access.place_for` and
`access.scope_for`): a place the user may not read is "not found", for pages, exports and PDF alike.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from safecampus.core.excel import Sheet, xlsx_response
from safecampus.core.pdf import pdf_response
from safecampus.training.models import Audience

from . import exports
from .figures import AUDIENCES, report, trend
from .pages import DEFINITIONS, Ask, breadcrumbs, resolve, scope_choices
from .people import PeopleList, person_courses, person_in

PER_PAGE = 50
# Sortable columns of the child places table: key, label, shown from which width.
COLUMNS = [
    ("name", _lazy("Name"), ""),
    ("target", _lazy("Target"), "d-none d-md-table-cell"),
    ("participants", _lazy("Participants"), "d-none d-sm-table-cell"),
    ("participation_rate", _lazy("Participation rate"), ""),
    ("learning_s", _lazy("Learning time"), "d-none d-lg-table-cell"),
    ("average_s", _lazy("Average"), "d-none d-lg-table-cell"),
    ("completions", _lazy("Completions"), "d-none d-md-table-cell"),
    ("pass_rate", _lazy("Pass rate"), "d-none d-sm-table-cell"),
    ("completion_rate", _lazy("Completion of target"), "d-none d-md-table-cell"),
]
SORT_KEYS = [c[0] for c in COLUMNS]


def _ask(request: HttpRequest) -> Ask:
    ask = resolve(request)
    for text in ask.errors:
        messages.warning(request, text)
    return ask


def _common(request: HttpRequest, ask: Ask, *extra: dict) -> dict[str, Any]:
    crumbs = breadcrumbs(request.user, ask)
    return {
        "ask": ask,
        "place": ask.place,
        "scope": ask.scope,
        "breadcrumbs": [*crumbs, *extra],
        "audiences": Audience.choices,
        "definitions": DEFINITIONS,
        **scope_choices(ask),
    }


def child_rows(ask: Ask, sort: str, *, links: bool = True) -> list[dict[str, Any]]:
    """The child places with their figures, sorted by `sort` (`-key` descending); `links=False`
    for a caller that only counts (no dashboard URL per child)."""
    from .children import child_places

    place, scope = ask.place, ask.scope
    if scope is None or not place.whole_unit:
        return []
    children = child_places(place, scope.campaign.school_year)
    rep = report([n for n, _n, _l in children], scope, audience=ask.audience, start=ask.start, end=ask.end)
    rows = [
        {
            "name": name,
            "f": rep.of(node, ask.audience),
            "url": f"{reverse('stats:dashboard')}?{ask.place_query(link)}" if links else "",
            "kind": "class" if node[2] else "grade" if node[1] else "unit",
        }
        for node, name, link in children
    ]
    key = sort.lstrip("-")
    if key in SORT_KEYS and key != "name":
        present = [r for r in rows if getattr(r["f"], key) is not None]
        missing = [r for r in rows if getattr(r["f"], key) is None]
        present.sort(key=lambda r: getattr(r["f"], key), reverse=sort.startswith("-"))
        rows = present + missing
    elif sort == "-name":
        rows.reverse()
    return rows


def _chart_data(ask: Ask, figures_by_audience: list, children: list[dict], days: list[dict]) -> dict:
    def pct(x: float | None) -> float | None:
        return None if x is None else round(x * 100, 1)

    return {
        "labels": {
            "participation": _("Participation rate"),
            "pass": _("Pass rate"),
            "completion": _("Completion of target"),
            "hours": _("Learning time (h)"),
            "new": _("New participants"),
            "target": _("Target"),
            "participants": _("Participants"),
        },
        "children": [
            {
                "name": r["name"],
                "participation": pct(r["f"].participation_rate),
                "pass": pct(r["f"].pass_rate),
                "completion": pct(r["f"].completion_rate),
            }
            for r in children
        ],
        "trend": [
            {"day": d["day"], "hours": round(d["learning_s"] / 3600, 2), "new": d["new_participants"]}
            for d in days
        ],
        "audiences": [
            {"name": str(label), "target": f.target, "participants": f.participants}
            for _a, label, f in figures_by_audience
        ],
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    ask = _ask(request)
    ctx = _common(request, ask)
    if ask.scope is not None:
        place, scope = ask.place, ask.scope
        rep = report([place.key], scope, audience=ask.audience, start=ask.start, end=ask.end)
        labels = dict(Audience.choices)
        wanted = [ask.audience] if ask.audience else AUDIENCES
        split = [(a, labels[a], rep.of(place.key, a)) for a in wanted]
        split = [s for s in split if s[2].target or s[2].participants]
        sort = request.GET.get("sort") or "-participation_rate"
        children = child_rows(ask, sort)
        days = trend(place.key, scope, audience=ask.audience, start=ask.start, end=ask.end)
        ctx.update(
            figures=rep.of(place.key, ask.audience),
            split=split,
            children=children,
            sort=sort,
            columns=_sort_links(ask, sort),
            chart=_chart_data(ask, split, children, days),
        )
        if place.school_class is not None:
            ctx.update(_people_page(request, ask, not_started=False))
    return render(request, "stats/dashboard.html", ctx)


def _sort_links(ask: Ask, sort: str) -> list[dict[str, Any]]:
    """Table headers: a click sorts by the column, a second click reverses."""
    out = []
    for key, label, cls in COLUMNS:
        active = sort.lstrip("-") == key
        desc = sort.startswith("-")
        nxt = (key if desc else f"-{key}") if active else (key if key == "name" else f"-{key}")
        out.append({"key": key, "label": label, "cls": cls, "url": "?" + ask.query(sort=nxt),
                    "active": active, "desc": desc})  # fmt: skip
    return out


def _people_page(request: HttpRequest, ask: Ask, *, not_started: bool) -> dict[str, Any]:
    people = PeopleList(ask.place, ask.window, not_started=not_started)
    page = Paginator(people, PER_PAGE).get_page(request.GET.get("page"))
    return {"page": page, "people": page.object_list, "query": ask.query(), "not_started": not_started}


def _need_scope(ask: Ask) -> None:
    if ask.scope is None:
        raise Http404


@login_required
def people(request: HttpRequest, not_started: bool = False) -> HttpResponse:
    ask = _ask(request)
    _need_scope(ask)
    label = _("Not started") if not_started else _("People")
    ctx = _common(request, ask, {"label": label})
    ctx.update(_people_page(request, ask, not_started=not_started))
    return render(request, "stats/people.html", ctx)


@login_required
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    ask = _ask(request)
    _need_scope(ask)
    who = person_in(request.user, ask.place, ask.window, user_id)
    ctx = _common(request, ask, {"label": who.name})
    ctx.update(person=who, rows=person_courses(who, ask.window))
    return render(request, "stats/person.html", ctx)


def _xlsx(title: str, ask: Ask, header: list[str], rows: Any, kind: str) -> StreamingHttpResponse:
    preface = exports.sheet_title(ask.place, ask.window)
    sheet = Sheet(title=title, caption=title, header=header, rows=rows, preface=preface)
    return xlsx_response(exports.filename(kind, ask.place), [sheet])


@login_required
def export_children(request: HttpRequest) -> StreamingHttpResponse:
    ask = resolve(request)
    _need_scope(ask)
    rows = exports.children_rows(ask.place, ask.window)
    return _xlsx(_("Child units"), ask, exports.children_header(), rows, "children")


@login_required
def export_people(request: HttpRequest, not_started: bool = False) -> StreamingHttpResponse:
    ask = resolve(request)
    _need_scope(ask)
    rows = exports.people_rows(ask.place, ask.window, not_started=not_started)
    title = _("Not started") if not_started else _("People")
    return _xlsx(title, ask, exports.people_header(), rows, "not-started" if not_started else "people")


@login_required
def summary_pdf(request: HttpRequest) -> HttpResponse:
    from .summary_pdf import render_summary

    ask = resolve(request)
    _need_scope(ask)
    return pdf_response(render_summary(request, ask), f"summary-{ask.place.unit.code}.pdf")
