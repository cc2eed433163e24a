"""Input helpers of the hazard pages: which schools a person reports for, who may be named
rectifier, the default deadline, and domain errors turned into per-field messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core.access import holds_at
from safecampus.core.errors import DomainError
from safecampus.core.models import Unit, UnitKind
from safecampus.core.policy import policy_for
from safecampus.core.roles import Perm, Role
from safecampus.core.scoping import has_perm_at, own_schools
from safecampus.risks.models import PlanArea, RiskPoint

from .models import Source
from .notices import holders

# Error keys of the services' fields as the forms name them (an image error is a photo error).
FIELD_ALIASES = {"image": "photos"}


def _bureau_schools(user: Any) -> Any:
    """Active schools under the user's bureau memberships that allow reporting (a queryset)."""
    return Unit.objects.visible_to(user, Perm.REPORT_HAZARDS).filter(kind=UnitKind.SCHOOL, is_active=True)


def report_schools(user: Any, *, limit: int | None = None) -> list[Unit]:
    """Schools the user may report hazards for: their schools, else the schools of their bureau
    (the first `limit` + 1 of them when a limit is given: more than `limit` means "search")."""
    schools = own_schools(user, Perm.REPORT_HAZARDS)
    if schools:
        return sorted(schools.values(), key=lambda u: u.path)
    qs = _bureau_schools(user)
    return list(qs if limit is None else qs[: limit + 1])


def may_report(user: Any) -> bool:
    return bool(own_schools(user, Perm.REPORT_HAZARDS)) or _bureau_schools(user).exists()


def report_school(user: Any, value: Any) -> Unit | None:
    """The school chosen for a report by id, when the user may report there (else None)."""
    if not str(value or "").isdigit():
        return None
    own = own_schools(user, Perm.REPORT_HAZARDS)
    if own:
        return own.get(int(value))
    return _bureau_schools(user).filter(pk=int(value)).first()


def default_source(user: Any, unit: Unit) -> str:
    """Guards report what they find on patrol; bureau users their supervision; others self-checks."""
    if holds_at(user, None, unit, role=Role.GUARD):
        return Source.PATROL
    if unit.kind == UnitKind.SCHOOL and has_perm_at(user, Perm.SUPERVISE_HAZARDS, unit):
        return Source.BUREAU
    return Source.SELF_CHECK


def locations_of(unit: Unit) -> list[str]:
    """Suggestions for the location field: the school's risk point locations and map areas."""
    names = set(
        RiskPoint.objects.filter(unit=unit).exclude(location="").values_list("location", flat=True)[:200]
    )
    names |= set(PlanArea.objects.filter(plan__unit=unit).values_list("name", flat=True)[:200])
    return sorted(names)


def areas_of(unit: Unit) -> list[PlanArea]:
    """The areas drawn on the school's campus plan (the four-colour map)."""
    return list(PlanArea.objects.filter(plan__unit=unit).order_by("name")[:200])


def risk_points_of(unit: Unit) -> list[RiskPoint]:
    return list(RiskPoint.objects.filter(unit=unit).exclude(status="retired").order_by("name")[:300])


def rectifiers_of(unit: Unit) -> list[Any]:
    """Active staff of the school who may be named rectifier."""
    from safecampus.accounts.models import User

    return list(
        User.objects.filter(pk__in=holders(Perm.RECTIFY_HAZARDS, [unit])).order_by("name", "username")
    )


def default_deadline(unit: Unit, grade: str) -> dt.date:
    days = int(policy_for(unit).hazards.deadline_days[grade])
    return timezone.localdate() + dt.timedelta(days=days)


def error_dict(exc: Exception, shown: Iterable[str] = ()) -> dict[str, str]:
    """A domain error or a refusal as {field or "all": translated message}; a field the form does
    not show (`shown`) reports under "all"."""
    if isinstance(exc, DomainError):
        out: dict[str, str] = {}
        for name, message in getattr(exc, "errors", {exc.field: exc.message}).items():
            field = FIELD_ALIASES.get(name or "", name) or "all"
            out.setdefault(field if field in shown else "all", str(message))
        return out
    if isinstance(exc, PermissionDenied):
        return {"all": str(getattr(exc, "message", "") or _("You may not do this."))}
    raise exc
