"""The head teacher's view of a class: which families have not confirmed, and reminding them.

Only the class's head teacher (or an assistant: `roster.teaching`) sees the families' names —
bureaus and school managers see counts and rates only (`notices.reach`). "Remind" reaches every
family of the class not yet confirmed, each family (a parent for a child) at most once a day: a
`Reminder` row per (notice, parent, child, day) is unique, and the in-app message is deduplicated
on the same key. One audit event and one `notice.reminder` event per action, naming how many
families were reminded, never who.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from safecampus.core import audit
from safecampus.core.errors import Conflict
from safecampus.inbox.models import NotificationKind
from safecampus.inbox.services import notify
from safecampus.roster.models import SchoolClass, Student

from . import events
from .audience import Audience, families_of_class
from .models import ConfirmMode, Notice, NoticeStatus, Receipt, Reminder
from .queries import Standing


@dataclass
class Family:
    parent: Any
    child: Student
    read_at: Any
    confirmed_at: Any
    reminded_today: bool

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


def class_for(st: Standing, class_id: int) -> SchoolClass:
    """A class the user heads among those the notice addresses; else PermissionDenied (the
    views answer 404)."""
    klass = next((k for k in st.classes if k.pk == class_id), None)
    if klass is None:
        raise PermissionDenied("notices.families")
    return klass


def families(notice: Notice, klass: SchoolClass) -> list[Family]:
    """The class's (parent, child) slots with their receipt and today's reminder."""
    pairs = families_of_class(Audience.of(notice.audience), klass)
    receipts = {
        (r.user_id, r.child_id): r
        for r in Receipt.objects.filter(notice=notice, child__school_class=klass, child__isnull=False)
    }
    today = timezone.localdate()
    reminded = set(
        Reminder.objects.filter(notice=notice, child__school_class=klass, day=today).values_list(
            "user_id", "child_id"
        )
    )
    out = []
    for parent, child in pairs:
        r = receipts.get((parent.pk, child.pk))
        out.append(
            Family(
                parent,
                child,
                r.read_at if r else None,
                r.confirmed_at if r else None,
                (parent.pk, child.pk) in reminded,
            )
        )
    return out


def remind(notice: Notice, klass: SchoolClass, *, actor: Any) -> int:
    """Remind every family of the class that has not confirmed (not reminded today yet); returns
    how many were reminded now."""
    if notice.status != NoticeStatus.PUBLISHED:
        raise Conflict(_("This notice is no longer in force."))
    waiting = [f for f in families(notice, klass) if not _done(notice, f) and not f.reminded_today]
    today = timezone.localdate()
    sent = []
    with transaction.atomic():
        for f in waiting:
            try:
                with transaction.atomic():
                    Reminder.objects.create(
                        notice=notice, user=f.parent, child=f.child, day=today, sent_by=actor
                    )
            except IntegrityError:
                continue  # reminded meanwhile (another click, another device)
            sent.append(f)
        for f in sent:
            notify(
                [f.parent],
                kind=NotificationKind.MESSAGE,
                title=gettext_noop("Reminder: please confirm the notice “%(title)s” for %(child)s"),
                params={"title": notice.title[:80], "child": f.child.name},
                link=f"/notices/{notice.pk}/",
                dedupe_key=f"notice:{notice.pk}:remind:{f.child.pk}:{today.isoformat()}",
                unit=klass.unit,
            )
        if sent:
            audit.record(actor, "notices.reminded", notice, unit=klass.unit,
                         after={"class": str(klass), "families": len(sent)})  # fmt: skip
            events.reminded(notice, school_class=klass, families=len(sent))
    return len(sent)


def _done(notice: Notice, f: Family) -> bool:
    return f.read_at is not None if notice.confirm == ConfirmMode.READ else f.confirmed
