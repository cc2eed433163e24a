"""Check statistics page (mounted at /checks/stats/, namespace `check_stats`): a unit's totals
for a range of months (tasks due, done, completion and on-time rates, missed, failed items,
hazards raised; with the patrol rounds and, where the fire module is installed, the fire devices
of the same unit), its child units ranked worst first by completion (a page at a time, never a
list of a province's schools), drill-down links and an Excel export.

Every view reads its unit through `stats_access.place` (404 alike for missing and not yours).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from safecampus.core import ranking
from safecampus.core.excel import Sheet, export_filename, xlsx_response
from safecampus.core.models import Unit
from safecampus.core.rollups import percent

from . import stats, stats_access
from .stats import Totals

DEFINITIONS = [
    (gettext_lazy("Due"), gettext_lazy(
        "Check tasks due in the chosen months that are settled: done (also late) or missed. Tasks still "
        "open are not counted yet; cancelled tasks never.")),
    (gettext_lazy("Completion rate"), gettext_lazy("Done ÷ due; “—” when nothing was due.")),
    (pgettext_lazy("checks", "On-time rate"), gettext_lazy("Done by the due time ÷ due.")),
    (pgettext_lazy("checks", "Missed"), gettext_lazy("Not submitted by the due time and its grace.")),
    (gettext_lazy("Failed items"), gettext_lazy("Items answered “fail” in the done checks.")),
    (gettext_lazy("Hazards raised"), gettext_lazy("Hazards the failed items of the done checks created.")),
]  # fmt: skip


def _read(request: HttpRequest) -> tuple[Any, stats_access.Months, list[str]]:
    errors: list[str] = []
    code = (request.GET.get("unit") or "").strip()[:64]
    place = stats_access.place(request.user, code or None)
    return place, stats_access.window(request.GET, errors), errors


def _query(unit: Unit, months: stats_access.Months) -> str:
    return urlencode({"unit": unit.code, **months.params})


def _crumbs(user: Any, unit: Unit, months: stats_access.Months) -> list[dict[str, Any]]:
    url = reverse("check_stats:dashboard")
    out = []
    for u in [*unit.get_ancestors(), unit]:
        link = f"{url}?{_query(u, months)}" if stats_access.may_view(user, u) else None
        out.append({"label": u.name, "url": link})
    return out


def worst_first(row: dict[str, Any]) -> tuple[int, int, int]:
    """Ranking key (descending): the share not done (per mille), then missed, then due; a unit
    with nothing due ranks nowhere (all zero: counted, not listed)."""
    t: Totals = row["t"]
    if not t.due:
        return (0, 0, 0)
    return (round((1 - (t.completion_rate or 0)) * 1000), t.missed, t.due)


def other_figures(units: list[Unit], months: stats_access.Months) -> dict[str, dict[int, dict]]:
    """Figures of the other check modules for the same units and months, read through their own
    public read functions: patrol rounds (`patrols.stats.read`) and fire devices
    (`fire.stats.read`, when that module is installed)."""
    out: dict[str, dict[int, dict]] = {}
    if apps.is_installed("safecampus.patrols"):
        from safecampus.patrols import stats as patrol_stats

        out["patrols"] = patrol_stats.read(units, months.start, months.end)
    if apps.is_installed("safecampus.fire"):
        from safecampus.fire import stats as fire_stats

        out["fire"] = fire_stats.read(units, months.start, months.end)
    return out


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    place, months, errors = _read(request)
    for text in errors:
        messages.warning(request, text)
    unit = place.unit
    children = stats_access.child_units(unit) if unit.is_bureau else []
    figures = stats.read([unit, *children], months.start, months.end)
    url = reverse("check_stats:dashboard")
    rows = [{"unit": c, "t": figures[c.pk], "url": f"{url}?{_query(c, months)}"} for c in children]
    ranked = ranking.rank(request, rows, worst_first) if children else None
    others = other_figures([unit], months)
    context = {
        "place": place,
        "unit": unit,
        "months": months,
        "totals": figures[unit.pk],
        "patrols": others.get("patrols", {}).get(unit.pk),
        "fire": others.get("fire", {}).get(unit.pk),
        "ranked": ranked,
        "query": _query(unit, months),
        "from_value": months.params["from"],
        "to_value": months.params["to"],
        "definitions": DEFINITIONS,
        "today": timezone.localdate(),
        "breadcrumbs": [*_crumbs(request.user, unit, months), {"label": _("Check statistics")}],
    }
    if unit.is_bureau:
        link = lambda school: f"{url}?{_query(school, months)}"  # noqa: E731
        hidden = {"unit": unit.code, **months.params}
        context.update(ranking.search_context(request, request.user, unit, link, **hidden))
    return render(request, "checks/stats.html", context)


def header() -> list[str]:
    return [_("Unit"), _("Code"), _("Due"), _("Done"), _("Completion rate (%)"), _("On time"),
            pgettext("checks", "On-time rate (%)"), pgettext("checks", "Missed"), _("Failed items"),
            _("Hazards raised")]  # fmt: skip


def row(unit: Unit, t: Totals) -> list[Any]:
    return [unit.name, unit.code, t.due, t.done, percent(t.completion_rate), t.on_time,
            percent(t.on_time_rate), t.missed, t.failed_items, t.hazards_raised]  # fmt: skip


@login_required
def export(request: HttpRequest) -> StreamingHttpResponse:
    """The unit's totals and each child unit's (worst first), as a spreadsheet."""
    place, months, _errors = _read(request)
    unit = place.unit
    children = stats_access.child_units(unit) if unit.is_bureau else []
    figures = stats.read([unit, *children], months.start, months.end)
    ordered = sorted(children, key=lambda c: (tuple(-x for x in worst_first({"t": figures[c.pk]})), c.path))
    title = _("Check statistics")
    preface = [
        [_("Place"), unit.name],
        [_("Months"), f"{months.params['from']} – {months.params['to']}"],
        [_("Generated"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
    ]
    body = [row(unit, figures[unit.pk]), *(row(c, figures[c.pk]) for c in ordered)]
    sheet = Sheet(title=title, caption=title, header=header(), rows=body, preface=preface)
    return xlsx_response(export_filename("checks", unit.code), [sheet])
