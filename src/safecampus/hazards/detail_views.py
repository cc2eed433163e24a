"""A hazard's page: its facts, photos and history, and one form for each action the person may
take now. A refused or invalid action re-renders the page with the message and the input kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecampus.core import audit
from safecampus.core.errors import DomainError
from safecampus.supervision.views import hazard_panel_context

from . import queries, services
from .forms import default_deadline, error_dict, rectifiers_of
from .models import Grade, PhotoStage
from .views import home_crumb
from .workflow import ACTION_LABELS, ACTIONS, allowed_actions

DONE = {
    "confirm": gettext_lazy("Hazard confirmed."),
    "reject": gettext_lazy("Marked as not a hazard."),
    "assign": gettext_lazy("Rectification assigned."),
    "start": gettext_lazy("Rectification started."),
    "submit": gettext_lazy("Rectification submitted for verification."),
    "verify": gettext_lazy("Verified and closed."),
    "send_back": gettext_lazy("Rectification sent back."),
    "close_on_spot": gettext_lazy("Closed as fixed on the spot."),
}
DATA_FIELDS = (
    "grade",
    "reason",
    "rectifier",
    "deadline",
    "measures",
    "funds",
    "plan",
    "interim_measures",
    "note",
)


@login_required
def detail(request: HttpRequest, hazard_id: int) -> HttpResponse:
    hazard = queries.get_hazard_for(request.user, hazard_id)
    posted: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        posted = {"action": action, **{k: request.POST.get(k, "") for k in DATA_FIELDS}}
        data = {k: v for k, v in posted.items() if k != "action"}
        try:
            services.act(hazard, actor=request.user, action=action, data=data,
                         photos=request.FILES.getlist("photos"))  # fmt: skip
        except (DomainError, PermissionDenied) as exc:
            errors = error_dict(exc, (*DATA_FIELDS, "photos"))
            hazard.refresh_from_db()
        else:
            messages.success(request, str(DONE.get(action, _("Saved."))))
            return redirect("hazards:detail", hazard.pk)
    return render(request, "hazards/detail.html", _context(request, hazard, posted, errors),
                  status=400 if errors else 200)  # fmt: skip


def _context(
    request: HttpRequest, hazard: Any, posted: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    user = request.user
    actions = allowed_actions(user, hazard)
    if posted.get("action") in ACTIONS and posted["action"] not in actions and errors:
        # The action is no longer possible (someone else acted): show the message only.
        posted, errors = {}, {"all": next(iter(errors.values()))}
    photos = list(hazard.photos.select_related("uploaded_by"))
    today = timezone.localdate()
    # A re-assignment starts from what is saved; only a first assignment proposes the policy's deadline.
    deadline = hazard.deadline or default_deadline(hazard.unit, hazard.grade)
    defaults = {"grade": hazard.grade, "deadline": deadline.isoformat(),
              "rectifier": str(hazard.rectifier_id or ""), "measures": hazard.measures,
              "funds": hazard.funds if hazard.funds is not None else "", "plan": hazard.plan,
              "interim_measures": hazard.interim_measures}  # fmt: skip
    values = {**defaults, **posted}
    if errors:
        messages.error(request, next(iter(errors.values())))
    chosen = posted.get("action")
    forms = [
        {
            "name": a,
            "label": ACTION_LABELS[a],
            "open": a == chosen or (not chosen and n == 0),
            "errors": errors if a == chosen else {},
            "values": values if a == chosen else defaults,
        }
        for n, a in enumerate(actions)
    ]
    return {
        "hazard": hazard,
        "forms": forms,
        "grades": Grade.choices,
        "rectifiers": rectifiers_of(hazard.unit) if "assign" in actions else [],
        "found_photos": [p for p in photos if p.stage == PhotoStage.REPORT],
        "evidence_photos": [p for p in photos if p.stage == PhotoStage.EVIDENCE],
        "late": hazard.overdue_days(today),
        "timeline": audit.timeline_for(hazard, user)[:50],
        "breadcrumbs": [
            home_crumb(),
            {"label": hazard.unit.name, "url": _ledger_url(user, hazard)},
            {"label": hazard.number},
        ],
        **hazard_panel_context(user, hazard),
    }


def _ledger_url(user: Any, hazard: Any) -> str | None:
    try:
        queries.visible_unit(user, hazard.unit_id)
    except Http404:
        return None
    return reverse("hazards:ledger", args=[hazard.unit_id])
