"""Bureau pages at province scale: an area's child units (cities, counties or schools) ranked by
the page's key figures — from roll-up cells or one grouped query, never a row per school of the
province — a page at a time; and choosing a school by searching it, never a list or a `<select>`
of every school of the area.

`search_schools` finds at most `SEARCH_LIMIT` schools of the user's scope under an area by name
or code; `GET /org/schools/search?q=…&within=<unit id>` answers it as JSON for phone clients and
the search box's suggestions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from .models import Unit, UnitKind

RANK_PER_PAGE = 20
SEARCH_LIMIT = 20
RANK_PARAM = "units_page"
SEARCH_PARAM = "school_q"


class CountedPaginator(Paginator):
    """A paginator told its total (from roll-up cells) instead of counting an area's rows."""

    def __init__(self, object_list: Any, per_page: int, total: int) -> None:
        super().__init__(object_list, per_page)
        self.total = total

    @property
    def count(self) -> int:  # type: ignore[override]
        return self.total


def paginator(object_list: Any, per_page: int, total: int | None = None) -> Paginator:
    """A paginator of `object_list`, counting it only when `total` is not known already."""
    return (
        Paginator(object_list, per_page) if total is None else CountedPaginator(object_list, per_page, total)
    )


@dataclass
class Ranked:
    page: Page  # object_list: the rows of this page, each a dict with "unit"
    others: int  # child units with nothing to rank (not listed)
    param: str = RANK_PARAM
    query: str = ""  # the request's other parameters, for the pager's links

    @property
    def rows(self) -> list[dict[str, Any]]:
        return list(self.page.object_list)


def child_units(area: Unit) -> list[Unit]:
    """The area's active child units a bureau page ranks (bureau departments left out)."""
    return list(
        Unit.objects.filter(path__startswith=area.path, depth=area.depth + 1, is_active=True)
        .exclude(kind=UnitKind.DEPARTMENT)
        .order_by("path")
    )


def rank(
    request: HttpRequest, rows: Sequence[dict[str, Any]], key: Callable[[dict[str, Any]], tuple],
    *, per_page: int = RANK_PER_PAGE, param: str = RANK_PARAM,
) -> Ranked:  # fmt: skip
    """One page of `rows` (one per child unit, each with "unit") ranked by `key` descending;
    rows whose key is all zero are counted in `others`, not listed."""
    shown = sorted(
        (r for r in rows if any(key(r))), key=lambda r: (tuple(-x for x in key(r)), r["unit"].path)
    )
    page = Paginator(shown, per_page).get_page(request.GET.get(param))
    query = urlencode([(k, v) for k, v in request.GET.items() if k != param])
    return Ranked(page, len(rows) - len(shown), param, query)


def search_terms(value: Any) -> str:
    return " ".join(str(value or "").replace("\x00", "").split())[:60]


def search_schools(user: Any, area: Unit | None, q: str, *, limit: int = SEARCH_LIMIT) -> list[Unit]:
    """Active schools of the user's scope (under `area` when given) whose name contains `q` or
    whose code starts with it; at most `limit`, by name."""
    q = search_terms(q)
    if not q:
        return []
    qs = Unit.objects.visible_to(user).filter(kind=UnitKind.SCHOOL, is_active=True)
    if area is not None:
        qs = qs.filter(path__startswith=area.path)
    match = Q(name__icontains=q) | Q(code__istartswith=q.lower())
    found = list(qs.filter(match).order_by("name", "path")[:limit])
    step = Unit.steplen
    parents = dict(Unit.objects.filter(path__in={u.path[:-step] for u in found}).values_list("path", "name"))
    for unit in found:
        unit.parent_name = parents.get(unit.path[:-step], "")
    return found


def link_to(url_name: str) -> Callable[[Unit], str]:
    """The link of a school's page named `url_name` (which takes the school's id)."""
    return lambda unit: reverse(url_name, args=[unit.pk])


def search_context(
    request: HttpRequest, user: Any, area: Unit | None, link: Callable[[Unit], str], **hidden: str
) -> dict[str, Any]:
    """For `core/_school_search.html`: the box's value, its matches with the link `link(school)`
    of each, and `hidden` fields the form sends along."""
    q = search_terms(request.GET.get(SEARCH_PARAM))
    matches = search_schools(user, area, q) if q else []
    return {
        "school_search": {
            "q": q,
            "param": SEARCH_PARAM,
            "matches": [(unit, link(unit)) for unit in matches],
            "full": len(matches) >= SEARCH_LIMIT,
            "within": area.pk if area is not None else "",
            "hidden": hidden,
        }
    }
