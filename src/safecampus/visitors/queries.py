"""The read side of visits, always through the access rule (`Visit.objects.visible_to`): one
visit for a user (404 alike for missing and not yours), a school's visits of a day, who is
inside, the bookings a host has to decide, and the desk's lookup and gate-log source."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from safecampus.core.models import Unit
from safecampus.core.policy import policy_for
from safecampus.core.roles import Perm

from . import gatelog
from .models import Visit, VisitStatus, WatchEntry
from .services import normalise_code
from .workflow import EXPECTED

VIEW = Perm.VIEW_GATE


def visits_for(user: Any, perm: str | None = None) -> QuerySet[Visit]:
    return Visit.objects.visible_to(user, perm).select_related("host", "unit", "watch_match")


def get_visit_for(user: Any, visit_id: Any) -> Visit:
    """One visit the user may read (the gate staff of its school, its host); 404 otherwise."""
    try:
        pk = int(visit_id)
    except (TypeError, ValueError):
        pk = 0
    return get_object_or_404(visits_for(user), pk=pk)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def expected_today(user: Any, school: Unit, day: dt.date | None = None) -> QuerySet[Visit]:
    start, end = day_bounds(day or timezone.localdate())
    return visits_for(user, VIEW).filter(
        unit=school, status__in=EXPECTED, expected_at__gte=start, expected_at__lt=end
    )


def inside(user: Any, school: Unit) -> QuerySet[Visit]:
    return (
        visits_for(user, VIEW).filter(unit=school, status=VisitStatus.INSIDE).order_by("checked_in_at", "id")
    )


def to_decide(user: Any) -> QuerySet[Visit]:
    """Bookings waiting for this user as their host."""
    return Visit.objects.filter(host=user, status=VisitStatus.PENDING).select_related("unit")


def closing_time(school: Unit) -> dt.time:
    text = str(policy_for(school).get("gate", {}).get("closing_time") or "17:30")
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        return dt.time(17, 30)


def after_closing(school: Unit, now: dt.datetime | None = None) -> bool:
    return timezone.localtime(now or timezone.now()).time() >= closing_time(school)


def watch_list(user: Any, school: Unit) -> QuerySet[WatchEntry]:
    return WatchEntry.objects.visible_to(user).filter(unit=school)


def lookup(user: Any, school: Unit, code: str) -> str | None:
    """The desk's lookup: the page of the visit with this pass code at this school."""
    code = normalise_code(code)
    if not code.startswith("V"):
        return None
    found = Visit.objects.visible_to(user, Perm.WORK_GATE).filter(unit=school, pass_code=code)
    visit = found.only("pk").first()
    return reverse("visitors:visit", args=[visit.pk]) if visit else None


def log_source(user: Any, school: Unit, day: dt.date) -> Iterable[gatelog.LogEntry]:
    """Check-ins ("in") and check-outs ("out") of the school's visitors on `day`."""
    start, end = day_bounds(day)
    rows = (
        Visit.objects.visible_to(user, VIEW)
        .filter(unit=school)
        .filter(
            Q(checked_in_at__gte=start, checked_in_at__lt=end)
            | Q(checked_out_at__gte=start, checked_out_at__lt=end)
        )
        .only("pk", "visitor_name", "purpose", "checked_in_at", "checked_out_at", "plate")
    )
    label = pgettext("gate log", "Visitor")
    for v in rows:
        url = reverse("visitors:visit", args=[v.pk])
        detail = v.purpose + (f" · {v.plate}" if v.plate else "")
        if v.checked_in_at and start <= v.checked_in_at < end:
            yield gatelog.LogEntry(v.checked_in_at, "visit", label, v.name_masked, detail, "in", url)
        if v.checked_out_at and start <= v.checked_out_at < end:
            yield gatelog.LogEntry(v.checked_out_at, "visit", label, v.name_masked, detail, "out", url)


def direction_label(direction: str) -> str:
    return {"in": pgettext("gate", "In"), "out": pgettext("gate", "Out")}.get(direction, "") or _("—")
