"""Hazard pages: the hub, the work lists (to do, to confirm, to verify) and the photos.
Reading goes through `hazards.queries`; views parse input and call the services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import access, ranking
from safecampus.core.models import Unit, UnitKind
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at

from . import ledger, photos, queries
from .forms import may_report
from .models import HazardPhoto

PER_PAGE = 50


def home_crumb() -> dict[str, Any]:
    return {"label": _("Hazards"), "url": reverse("hazards:home")}


def home_unit(user: Any) -> Unit | None:
    """The unit the hazard pages open at: the active membership's, else the first that views."""
    return access.home_unit(user, Perm.VIEW_HAZARDS)


def with_late(rows: Any) -> list[Any]:
    """Rows of a page with `late` (overdue days today) set."""
    today = timezone.localdate()
    out = list(rows)
    for h in out:
        h.late = h.overdue_days(today)
    return out


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A hub: the person's work lists with counts, the ledger and a big report button; for a
    bureau the overdue board and its schools with open and overdue counts."""
    user = request.user
    unit = home_unit(user)
    if unit is None:
        raise Http404
    today = timezone.localdate()
    context: dict[str, Any] = {
        "unit": unit,
        "is_school": unit.kind == UnitKind.SCHOOL,
        "can_report": may_report(user),
        "todo": queries.todo_for(user).count() if has_perm_at(user, Perm.RECTIFY_HAZARDS, unit) else None,
        "confirm": queries.to_confirm(user).count() if has_perm_at(user, Perm.MANAGE_HAZARDS, unit) else None,
        "verify": queries.verify_queue(user).count()
        if has_perm_at(user, Perm.VERIFY_HAZARDS, unit) or has_perm_at(user, Perm.ACCEPT_HAZARDS, unit)
        else None,
        "breadcrumbs": [{"label": _("Hazards")}],
    }
    if unit.kind != UnitKind.SCHOOL:
        # a bureau's area: figures from the statistics' cells, its child units ranked
        [own] = ledger.area_figures([unit], today)
        context.update(open=own["open"], overdue=own["overdue"])
        context["board"] = queries.overdue_board(user, unit).count()
        children = ledger.area_figures(ranking.child_units(unit), today)
        context["ranked"] = ranking.rank(request, children, ledger.worst_first)
        context.update(ranking.search_context(request, user, unit, ranking.link_to("hazards:ledger")))
    else:
        in_unit = queries.in_unit(user, unit)
        context["open"] = in_unit.filter(status__in=ledger.OPEN_STATUSES).count()
        context["overdue"] = in_unit.filter(ledger.overdue_q(today)).count()
    from safecampus.supervision.queries import home_unit as supervision_unit

    context["supervision"] = supervision_unit(user) is not None
    return render(request, "hazards/home.html", context)


def _work_list(request: HttpRequest, qs: QuerySet, *, title: str, kind: str, empty: str) -> HttpResponse:
    page = Paginator(qs.select_related("unit", "reported_by", "rectifier"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "hazards/work_list.html",
        {
            "page": page,
            "rows": with_late(page.object_list),
            "title": title,
            "kind": kind,
            "empty": empty,
            "show_school": len(units := access.member_units(request.user)) > 1
            or any(u.kind != UnitKind.SCHOOL for u in units),
            "breadcrumbs": [home_crumb(), {"label": title}],
        },
    )


@login_required
def todo(request: HttpRequest) -> HttpResponse:
    """The rectifier's to-do: nearest (and overdue) deadlines first."""
    qs = queries.todo_for(request.user).order_by("deadline", "id")
    return _work_list(request, qs, title=_("My rectification to-do"), kind="todo",
                      empty=_("Nothing to rectify. Well done."))  # fmt: skip


@login_required
def to_confirm(request: HttpRequest) -> HttpResponse:
    """New reports for the school's hazard managers: confirm or reject, then assign."""
    qs = queries.to_confirm(request.user).order_by("status", "reported_at", "id")
    return _work_list(request, qs, title=_("Hazards to confirm and assign"), kind="confirm",
                      empty=_("No new hazard reports."))  # fmt: skip


@login_required
def to_verify(request: HttpRequest) -> HttpResponse:
    """Submitted rectifications the user may verify (major ones by the county)."""
    qs = queries.verify_queue(request.user).order_by("submitted_at", "id")
    return _work_list(request, qs, title=_("Rectifications to verify"), kind="verify",
                      empty=_("No rectification is waiting for verification."))  # fmt: skip


@login_required
def photo(request: HttpRequest, hazard_id: int, photo_id: int) -> HttpResponse:
    hazard = queries.get_hazard_for(request.user, hazard_id)
    return photos.serve(request, get_object_or_404(HazardPhoto, pk=photo_id, hazard=hazard))
