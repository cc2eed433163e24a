"""Reminders to those behind on training, and to their managers, through the inbox.

Once per ISO week (the *period*): staff behind on their annual hours get a reminder, and the
school's principals and safety staff one digest per school; students behind get a reminder,
their parents one per child, and the head teacher one digest per class. Every notification
carries a dedupe key made of what it is about and the period, so running the job again in the
same week — or pressing the button twice — sends nothing new.

Texts are stored untranslated (`gettext_noop`) with their parameters and shown in the reader's
language (see `inbox.models`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_noop

from safecampus.core import audit
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.places import Place
from safecampus.core.roles import Perm, Role
from safecampus.core.scoping import has_perm_at
from safecampus.inbox.models import NotificationKind
from safecampus.inbox.services import notify
from safecampus.roster.models import Guardian, SchoolClass
from safecampus.roster.teaching import teacher_ids
from safecampus.training import class_queries as cq

from .compliance import SYSTEM_READER, report

MANAGER_ROLES = (Role.PRINCIPAL, Role.SAFETY_STAFF)


def period_of(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class Sent:
    period: str
    notifications: int = 0
    staff_behind: int = 0
    students_behind: int = 0


def may_remind(actor: Any, unit: Unit, school_class: SchoolClass | None = None) -> bool:
    """Training managers of the unit; a head teacher for their own class."""
    if has_perm_at(actor, Perm.MANAGE_TRAINING, unit):
        return True
    return school_class is not None and cq.teaches(actor, school_class)


def _compliance_link(unit: Unit, school_class: SchoolClass | None = None) -> str:
    query = {"unit": unit.code}
    if school_class is not None:
        query["class"] = school_class.pk
    return f"{reverse('compliance:page')}?{urlencode(query)}"


def _remind_staff(rep: Any, sent: Sent) -> None:
    year = rep.year
    by_school: dict[int, list[Any]] = defaultdict(list)
    for row in rep.staff_behind:
        by_school[row.school.pk].append(row)
        sent.notifications += notify(
            [row.user_id],
            kind=NotificationKind.TRAINING_BEHIND,
            title=gettext_noop("Your safety training hours are behind"),
            body=gettext_noop(
                "You have %(hours)s of the %(target)s hours required in %(year)s; "
                "%(expected)s were expected by now."
            ),
            params={
                "hours": f"{row.hours:.1f}",
                "target": f"{row.target:g}",
                "year": year,
                "expected": f"{row.expected:.1f}",
            },
            link=reverse("compliance:person", args=[row.user_id]) + f"?year={year}",
            dedupe_key=f"training-hours:{year}:{sent.period}",
            unit=row.school,
        )
    managers: dict[int, list[int]] = defaultdict(list)
    for user_id, unit_id in Membership.objects.filter(
        unit_id__in=by_school, role__in=MANAGER_ROLES, is_active=True
    ).values_list("user_id", "unit_id"):
        managers[unit_id].append(user_id)
    for school_id, rows in by_school.items():
        school = rows[0].school
        sent.notifications += notify(
            managers[school_id],
            kind=NotificationKind.TRAINING_DIGEST,
            title=gettext_noop("%(count)s staff members of %(school)s are behind on training hours"),
            body=gettext_noop("Open the compliance page to see who, and remind them in person."),
            params={"count": len(rows), "school": school.name},
            link=_compliance_link(school),
            dedupe_key=f"training-staff-digest:{school_id}:{sent.period}",
            unit=school,
        )


def _remind_students(rep: Any, sent: Sent) -> None:
    behind = rep.students.behind
    if not behind:
        return
    student_ids = [row.student.pk for _k, row in behind]
    parents: dict[int, list[int]] = defaultdict(list)
    for student_id, parent_id in Guardian.objects.filter(student_id__in=student_ids).values_list(
        "student_id", "parent_id"
    ):
        parents[student_id].append(parent_id)
    by_class: dict[int, list[Any]] = defaultdict(list)
    for klass, row in behind:
        by_class[klass.pk].append((klass, row))
        student = row.student
        if student.user_id:
            sent.notifications += notify(
                [student.user_id],
                kind=NotificationKind.TRAINING_BEHIND,
                title=gettext_noop("You are behind with your safety lessons"),
                body=gettext_noop("Please finish the lessons your class has been given."),
                link=reverse("training:home"),
                dedupe_key=f"student-behind:{sent.period}",
                unit=klass.unit,
            )
        sent.notifications += notify(
            parents[student.pk],
            kind=NotificationKind.CHILD_TRAINING,
            title=gettext_noop("%(name)s is behind with safety lessons"),
            body=gettext_noop("Please help your child finish the lessons of %(class)s."),
            params={"name": student.name, "class": str(klass)},
            link=reverse("training:children"),
            dedupe_key=f"child-behind:{student.pk}:{sent.period}",
            unit=klass.unit,
        )
    for rows in by_class.values():
        klass = rows[0][0]
        sent.notifications += notify(
            teacher_ids(klass),
            kind=NotificationKind.TRAINING_DIGEST,
            title=gettext_noop("%(count)s students of %(class)s are behind with safety lessons"),
            body=gettext_noop("Open the class page to see who, and remind them in class."),
            params={"count": len(rows), "class": f"{klass.unit.name} {klass}"},
            link=_compliance_link(klass.unit, klass),
            dedupe_key=f"class-digest:{klass.pk}:{sent.period}",
            unit=klass.unit,
        )


@transaction.atomic
def remind_behind(
    unit: Unit, actor: Any, *, school_class: SchoolClass | None = None, today: dt.date | None = None
) -> Sent:
    """Remind everyone behind at the unit (or one class of it) and their managers, once per week.
    `actor` None is the weekly job; a person must be allowed to (see `may_remind`)."""
    if actor is not None and not may_remind(actor, unit, school_class):
        raise PermissionDenied(Perm.MANAGE_TRAINING)
    today = today or timezone.localdate()
    place = Place(unit, school_class.grade if school_class else None, school_class)
    rep = report(SYSTEM_READER if actor is None else actor, place, today.year, today=today)
    sent = Sent(
        period_of(today), staff_behind=len(rep.staff_behind), students_behind=len(rep.students.behind)
    )
    _remind_staff(rep, sent)
    _remind_students(rep, sent)
    if actor is not None or sent.notifications:
        audit.record(
            actor,
            "training.reminders_sent",
            school_class or unit,
            unit=unit,
            after={
                "period": sent.period,
                "notifications": sent.notifications,
                "staff_behind": sent.staff_behind,
                "students_behind": sent.students_behind,
            },
        )
    return sent


def remind_all(today: dt.date | None = None) -> int:
    """The weekly job: every active school in its own transaction. Returns notifications sent."""
    total = 0
    for school in Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True).order_by("path"):
        total += remind_behind(school, None, today=today).notifications
    return total
