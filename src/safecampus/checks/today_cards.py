"""The checks' "today" cards: for the people who do checks, today's open checks of their posts;
for a school's safety office and principal, today's missed checks at the school; for a county
or city, its child units whose completion this month is below the policy's threshold (from the
`inspections` cells: one grouped read of the area's children)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from safecampus.core import access, today
from safecampus.core.policy import policy_for
from safecampus.core.roles import Perm, role_allows

from . import stats, stats_access
from .task_models import Schedule, Task, TaskStatus

MANAGE = Perm.MANAGE_CHECK_TEMPLATES  # the school's safety office, principal and administrator
TASK_PAGES = ("checks:tasks", "checks:today", "checks:task_list")


def _task_list_url(user: Any, active: Any) -> str:
    """The task list of the checks pages (built by the task slice); the library until it exists."""
    for name in TASK_PAGES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return reverse("checks:library")


def mine_q(user: Any) -> Q:
    """Tasks of schedules naming the user, and of the posts (roles) they hold at their schools."""
    named = Schedule.assignees.through.objects.filter(user_id=user.pk).values("schedule_id")
    q = Q(schedule_id__in=named)
    for m in access.memberships(user, Perm.DO_CHECKS, bureau=False):
        q |= Q(unit_id=m.unit_id, schedule__post_role=m.role)
    return q


def todo_count(user: Any, active: Any) -> int:
    """Open tasks of today at the user's schools that are theirs to do (not closed yet)."""
    schools = [m.unit_id for m in access.memberships(user, Perm.DO_CHECKS, bureau=False)]
    if not schools:
        return 0
    now = timezone.now()
    return (
        Task.objects.filter(unit_id__in=schools, day=timezone.localdate(now), status=TaskStatus.OPEN,
                            closes_at__gte=now)
        .filter(mine_q(user))
        .count()
    )  # fmt: skip


def missed_today_count(user: Any, active: Any) -> int:
    """Today's tasks missed at the schools the user manages (open ones past their closing time
    count too: they are missed as soon as they are read)."""
    schools = [m.unit_id for m in access.memberships(user, MANAGE, bureau=False)]
    if not schools:
        return 0
    now = timezone.now()
    lapsed = Q(status=TaskStatus.MISSED) | Q(status=TaskStatus.OPEN, closes_at__lt=now)
    return Task.objects.filter(unit_id__in=schools, day=timezone.localdate(now)).filter(lapsed).count()


def school_manager(user: Any, active: Any) -> bool:
    """Who sees the missed card: a school's safety office, principal or administrator."""
    if active is None:
        return bool(access.memberships(user, MANAGE, bureau=False))
    return not active.unit.is_bureau and role_allows(active.role, MANAGE)


def _bureau_unit(user: Any, active: Any) -> Any:
    if active is not None:
        unit = active.unit
        return unit if unit.is_bureau and access.holds_at(user, stats_access.PERM, unit) else None
    units = access.member_units(user, stats_access.PERM, bureau=True)
    return min(units, key=lambda u: (u.depth, u.path)) if units else None


def below_threshold(unit: Any, month: int | None = None) -> list[tuple[Any, stats.Totals]]:
    """The unit's child units with checks due this month whose completion is below the policy's
    threshold, lowest first."""
    month = month or stats_access.this_month()
    threshold = float(policy_for(unit).checks["completion_threshold"])
    children = stats_access.child_units(unit)
    figures = stats.read(children, month, month)
    low = [(c, figures[c.pk]) for c in children
           if figures[c.pk].due and (figures[c.pk].completion_rate or 0) < threshold]  # fmt: skip
    return sorted(low, key=lambda p: (p[1].completion_rate or 0, p[0].path))


def below_count(user: Any, active: Any) -> int:
    unit = _bureau_unit(user, active)
    if unit is None:
        return 0
    return len(today.shared(f"checks.below.{unit.pk}", lambda: below_threshold(unit)))


def below_url(user: Any, active: Any) -> str:
    unit = _bureau_unit(user, active)
    base = reverse("check_stats:dashboard")
    if unit is None:
        return base
    month = stats_access.label(stats_access.this_month())
    return f"{base}?{urlencode({'unit': unit.code, 'from': month, 'to': month})}#ranking"


def is_bureau_reader(user: Any, active: Any) -> bool:
    return _bureau_unit(user, active) is not None


def register() -> None:
    today.register(
        today.Card("checks.todo_today", _("Checks to do today"), _task_list_url, todo_count,
                   Perm.DO_CHECKS, "list-check", 17),
        today.Card("checks.missed_today", _("Checks missed today"), _task_list_url, missed_today_count,
                   school_manager, "calendar-x", 20),
        today.Card("checks.units_below", _("Units below the check completion threshold"), below_url,
                   below_count, is_bureau_reader, "clipboard-data", 26),
    )  # fmt: skip
