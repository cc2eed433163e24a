"""Risk grading from the region's policy: LEC (D = L × E × C) and the LS risk matrix (R = L × S).

Factor tables, bands (with explicit inclusivity of each lower bound), labels and colours come
from the `risks` section of the policy in force at the school (`core.policy.policy_for`).
Arithmetic is exact (decimals), so a boundary value lands in the band the policy names.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from safecampus.core.errors import Invalid
from safecampus.core.models import Unit
from safecampus.core.policy import policy_for, versions_in_force

from .models import Level, Method


@dataclass(frozen=True)
class Band:
    level: str
    min: Decimal
    min_inclusive: bool

    def admits(self, score: Decimal) -> bool:
        return score >= self.min if self.min_inclusive else score > self.min


@dataclass(frozen=True)
class Grade:
    method: str
    factors: dict[str, float | int]
    score: Decimal
    level: str


@dataclass(frozen=True)
class RiskPolicy:
    """The `risks` section of a policy, checked."""

    version: str
    lec_l: tuple[Decimal, ...]
    lec_e: tuple[Decimal, ...]
    lec_c: tuple[Decimal, ...]
    lec_bands: tuple[Band, ...]
    ls_likelihood: tuple[int, ...]
    ls_severity: tuple[int, ...]
    ls_bands: tuple[Band, ...]
    levels: dict[str, dict[str, str]]
    control_level: dict[str, str]
    review_days: dict[str, int]
    remind_days_before: int

    # -- grading -----------------------------------------------------------------------------
    def level_of(self, method: str, score: Decimal) -> str:
        bands = self.lec_bands if method == Method.LEC else self.ls_bands
        for band in bands:
            if band.admits(score):
                return band.level
        return bands[-1].level  # below the lowest bound: the lowest band

    def grade_lec(self, l: Any, e: Any, c: Any) -> Grade:  # noqa: E741 (the method's own letters)
        ld = _factor(l, self.lec_l, "l", _("L (likelihood)"))
        ed = _factor(e, self.lec_e, "e", _("E (exposure)"))
        cd = _factor(c, self.lec_c, "c", _("C (consequence)"))
        score = ld * ed * cd
        factors = {"l": float(ld), "e": float(ed), "c": float(cd)}
        return Grade(Method.LEC, factors, score, self.level_of(Method.LEC, score))

    def grade_ls(self, likelihood: Any, severity: Any) -> Grade:
        lk = int(
            _factor(likelihood, tuple(Decimal(v) for v in self.ls_likelihood), "likelihood", _("likelihood"))
        )
        sv = int(_factor(severity, tuple(Decimal(v) for v in self.ls_severity), "severity", _("severity")))
        score = Decimal(lk * sv)
        return Grade(Method.LS, {"likelihood": lk, "severity": sv}, score, self.level_of(Method.LS, score))

    def grade(self, method: Any, factors: dict[str, Any]) -> Grade:
        if method == Method.LEC:
            return self.grade_lec(factors.get("l"), factors.get("e"), factors.get("c"))
        if method == Method.LS:
            return self.grade_ls(factors.get("likelihood"), factors.get("severity"))
        raise Invalid(_("Choose a grading method: LEC or LS."), field="method")

    # -- labels ------------------------------------------------------------------------------
    def label(self, level: str, language: str | None = None) -> str:
        lang = (language or get_language() or "zh-hans").lower()
        entry = self.levels.get(level, {})
        text = entry.get("zh" if lang.startswith("zh") else "en")
        return text or str(Level(level).label)

    def colour(self, level: str) -> str:
        return self.levels.get(level, {}).get("colour", "blue")

    def hex(self, level: str) -> str:
        return self.levels.get(level, {}).get("hex", "#2f6fd6")

    def review_date(self, level: str, start: dt.date | None = None) -> dt.date:
        start = start or timezone.localdate()
        return start + dt.timedelta(days=int(self.review_days.get(level, 365)))


def _factor(value: Any, table: tuple[Decimal, ...], field: str, name: str) -> Decimal:
    allowed = ", ".join(f"{v.normalize():f}" for v in table)
    message = _("%(name)s must be one of %(allowed)s.") % {"name": name, "allowed": allowed}
    if value is None or isinstance(value, bool) or value == "":
        raise Invalid(message, field=field)
    try:
        if isinstance(value, float) and not math.isfinite(value):
            raise Invalid(message, field=field)
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise Invalid(message, field=field) from None
    if not number.is_finite():
        raise Invalid(message, field=field)
    for allowed_value in table:
        if number == allowed_value:
            return allowed_value
    raise Invalid(message, field=field)


def _bands(raw: Any, where: str) -> tuple[Band, ...]:
    out = []
    for item in raw or []:
        if not isinstance(item, dict) or item.get("level") not in Level.values:
            raise Invalid(_("The risk policy's %(where)s bands are not valid.") % {"where": where})
        try:
            bound = Decimal(str(item.get("min", 0)))
        except InvalidOperation:
            raise Invalid(_("The risk policy's %(where)s bands are not valid.") % {"where": where}) from None
        out.append(Band(item["level"], bound, bool(item.get("min_inclusive", True))))
    if not out or sorted(out, key=lambda b: -b.min) != out:
        raise Invalid(_("The risk policy's %(where)s bands are not valid.") % {"where": where})
    return tuple(out)


def _decimals(raw: Any, where: str) -> tuple[Decimal, ...]:
    try:
        values = tuple(Decimal(str(v)) for v in raw if not isinstance(v, bool))
    except (InvalidOperation, TypeError):
        values = ()
    if not values or len(values) != len(raw) or any(not v.is_finite() or v <= 0 for v in values):
        raise Invalid(_("The risk policy's %(where)s factor table is not valid.") % {"where": where})
    return values


def parse_risk_policy(section: Any, version: str = "") -> RiskPolicy:
    """Check the `risks` section of a merged policy and read it into a `RiskPolicy`."""
    if not isinstance(section, dict):
        raise Invalid(_("The policy has no risk grading section."))
    lec, ls = section.get("lec") or {}, section.get("ls") or {}
    ints = [int(v) for v in _decimals(ls.get("likelihood") or [], "LS")]
    sev = [int(v) for v in _decimals(ls.get("severity") or [], "LS")]
    return RiskPolicy(
        version=version,
        lec_l=_decimals(lec.get("l") or [], "LEC"),
        lec_e=_decimals(lec.get("e") or [], "LEC"),
        lec_c=_decimals(lec.get("c") or [], "LEC"),
        lec_bands=_bands(lec.get("bands"), "LEC"),
        ls_likelihood=tuple(ints),
        ls_severity=tuple(sev),
        ls_bands=_bands(ls.get("bands"), "LS"),
        levels={k: dict(v) for k, v in (section.get("levels") or {}).items() if isinstance(v, dict)},
        control_level=dict(section.get("control_level") or {}),
        review_days={k: int(v) for k, v in (section.get("review_days") or {}).items()},
        remind_days_before=int(section.get("remind_days_before") or 7),
    )


def policy_version_for(unit: Unit, on: dt.date | None = None) -> str:
    """Which policy versions are in force at the unit: the base, then each level's override
    that sets risk values."""
    versions = versions_in_force(unit, on)
    parts = [versions[0].version if versions and versions[0].unit_id is None else "default"]
    parts += [f"{v.unit.code}:{v.version}" for v in versions if v.unit_id and "risks" in (v.data or {})]
    return " + ".join(parts)[:120]


def risk_policy_for(unit: Unit, on: dt.date | None = None) -> RiskPolicy:
    """The risk grading policy in force at a school (or bureau) on a date (today by default)."""
    return parse_risk_policy(dict(policy_for(unit, on)).get("risks"), policy_version_for(unit, on))
