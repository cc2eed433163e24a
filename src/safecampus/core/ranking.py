"""Bureau pages at province scale: schools ranked by a page's key figure, a page at a time, and
choosing a school by searching it — never a list or a `<select>` of every school of the area.

`rank_schools` pages an aggregate grouped by school (already ordered by the page's figures) and
fetches only the page's units: three bounded queries whatever the number of schools.
`search_schools` finds at most `SEARCH_LIMIT` schools of the user's scope under an area by name
or code; `GET /org/schools/search?q=…&within=<unit id>` answers it as JSON for phone clients and
the search box's suggestions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from .models import Unit, UnitKind

RANK_PER_PAGE = 20
SEARCH_LIMIT = 20
RANK_PARAM = "schools_page"
SEARCH_PARAM = "school_q"


@dataclass
class RankedSchools:
    page: Page  # object_list: the aggregate's rows, each with "unit" replaced by the Unit
    others: int  # active schools of the area with nothing to rank
    param: str = RANK_PARAM
    query: str = ""  # the request's other parameters, for the pager's links

    @property
    def rows(self) -> list[dict[str, Any]]:
        return list(self.page.object_list)


def schools_under(area: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(path__startswith=area.path, kind=UnitKind.SCHOOL, is_active=True)


def rank_schools(
    request: HttpRequest,
    counts: QuerySet,
    area: Unit,
    *,
    per_page: int = RANK_PER_PAGE,
    param: str = RANK_PARAM,
) -> RankedSchools:
    """One page of `counts` — `.values("unit").annotate(…)` rows of the area's active schools,
    ordered worst first — with each row's "unit" the Unit itself."""
    paginator = Paginator(counts, per_page)
    page = paginator.get_page(request.GET.get(param))
    rows = list(page.object_list)
    units = Unit.objects.in_bulk([r["unit"] for r in rows])
    page.object_list = [{**r, "unit": units[r["unit"]]} for r in rows if r["unit"] in units]
    others = max(0, schools_under(area).count() - paginator.count)
    query = urlencode([(k, v) for k, v in request.GET.items() if k != param])
    return RankedSchools(page, others, param, query)


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
