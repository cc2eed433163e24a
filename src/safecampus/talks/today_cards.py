"""The 1530 "today" cards: for a head teacher, today's talks not recorded yet and the talks
missed in the last 7 days; for a school's safety office and principal, the classes that missed
yesterday's talk (the last school day's); for a county or city, its child units whose 1530 rate
this month is below the policy's threshold (one grouped read of the `talks` cells)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from safecampus.core import access, today
from safecampus.core.months import this_month
from safecampus.core.policy import policy_for
from safecampus.core.ranking import child_units
from safecampus.core.roles import Perm, Role, role_allows

from . import queries, stats
from .models import Talk, TalkDue

MANAGE = Perm.MANAGE_DUTIES  # the school's safety office, principal and administrator


def _mine(user: Any) -> list[Any]:
    return today.shared("talks.mine", lambda: queries.recordable_classes(user, timezone.localdate()))


def open_today(user: Any, active: Any) -> int:
    """Today's talks not recorded yet of the user's own classes (the ones they cover while on
    duty are on the talks page, not counted here: their head teachers record them)."""
    taught = set(access.teaching().classes(user).values_list("pk", flat=True))
    classes = [k for k in _mine(user) if k.pk in taught]
    if not classes:
        return 0
    return sum(1 for d in queries.due_for(classes, timezone.localdate()) if not d.done)


def missed_week(user: Any, active: Any) -> int:
    """Due talks of the user's classes in the past 7 days (before today) without a record."""
    classes = [k.pk for k in access.teaching().classes(user)]
    if not classes:
        return 0
    day = timezone.localdate()
    start = day - dt.timedelta(days=7)
    due = TalkDue.objects.filter(class_id__in=classes, date__range=(start, day - dt.timedelta(days=1)))
    done = set(Talk.objects.filter(school_class_id__in=classes, date__range=(start, day)).values_list(
        "school_class_id", "date"))  # fmt: skip
    return sum(1 for c, d in due.values_list("class_id", "date") if (c, d) not in done)


def is_head_teacher(user: Any, active: Any) -> bool:
    if active is not None:
        return active.role == Role.HEAD_TEACHER
    return access.has_role(user, Role.HEAD_TEACHER)


def _schools(user: Any, active: Any) -> list[int]:
    if active is not None:
        ok = not active.unit.is_bureau and role_allows(active.role, MANAGE)
        return [active.unit_id] if ok else []
    return [m.unit_id for m in access.memberships(user, MANAGE, bureau=False)]


def missed_yesterday(user: Any, active: Any) -> int:
    """Classes at the user's schools whose talk of the last settled school day is missing."""
    schools = _schools(user, active)
    if not schools:
        return 0
    last = (TalkDue.objects.filter(unit_id__in=schools, date__lt=timezone.localdate())
            .order_by("-date").values_list("date", flat=True).first())  # fmt: skip
    if last is None:
        return 0
    due = set(TalkDue.objects.filter(unit_id__in=schools, date=last).values_list("class_id", flat=True))
    done = set(Talk.objects.filter(unit_id__in=schools, date=last).values_list("school_class_id", flat=True))
    return len(due - done)


def school_manager(user: Any, active: Any) -> bool:
    return bool(_schools(user, active))


def _bureau_unit(user: Any, active: Any) -> Any:
    if active is not None:
        unit = active.unit
        return unit if unit.is_bureau and access.holds_at(user, Perm.VIEW_DUTIES, unit) else None
    units = access.member_units(user, Perm.VIEW_DUTIES, bureau=True)
    return min(units, key=lambda u: (u.depth, u.path)) if units else None


def below_threshold(unit: Any) -> list[tuple[Any, stats.Totals]]:
    """Child units with talks due this month whose rate is below the policy's threshold."""
    month = this_month()
    threshold = float((policy_for(unit).get("talks") or {}).get("rate_threshold", 0.9))
    children = child_units(unit)
    figures = stats.read([(c.pk, 0, 0) for c in children], {c.pk: c.path for c in children}, month, month)
    low = [(c, figures[(c.pk, 0, 0)]) for c in children
           if figures[(c.pk, 0, 0)].due and (figures[(c.pk, 0, 0)].rate or 0) < threshold]  # fmt: skip
    return sorted(low, key=lambda p: (p[1].rate or 0, p[0].path))


def below_count(user: Any, active: Any) -> int:
    unit = _bureau_unit(user, active)
    if unit is None:
        return 0
    return len(today.shared(f"talks.below.{unit.pk}", lambda: below_threshold(unit)))


def below_url(user: Any, active: Any) -> str:
    unit = _bureau_unit(user, active)
    base = reverse("talks:stats")
    return f"{base}?{urlencode({'unit': unit.code})}" if unit is not None else base


def is_bureau_reader(user: Any, active: Any) -> bool:
    return _bureau_unit(user, active) is not None


def _stats_url(user: Any, active: Any) -> str:
    schools = _schools(user, active)
    base = reverse("talks:stats")
    if not schools:
        return base
    from safecampus.core.models import Unit

    unit = Unit.objects.filter(pk=schools[0]).first()
    return f"{base}?{urlencode({'unit': unit.code})}" if unit is not None else base


def register() -> None:
    today.register(
        today.Card("talks.open_today", _("Today's 1530 talk not recorded yet"), "talks:today", open_today,
                   Perm.RECORD_TALKS, "megaphone", 15),
        today.Card("talks.missed_week", _("1530 talks missed in the last 7 days"), "talks:today", missed_week,
                   is_head_teacher, "calendar-x", 16),
        today.Card("talks.missed_yesterday", _("Classes that missed the last 1530 talk"), _stats_url,
                   missed_yesterday, school_manager, "megaphone", 21),
        today.Card("talks.units_below", _("Units below the 1530 talk rate threshold"), below_url, below_count,
                   is_bureau_reader, "bar-chart", 27),
    )  # fmt: skip
