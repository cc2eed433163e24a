"""Who hears about a pass, through the inbox, after the change has committed: the head teacher
of a parent's request; the parents of the decision and of their child passing the gate.

Texts are stored untranslated (`gettext_noop`) with parameters and shown in the reader's
language; dedupe keys make a retried request tell nobody twice."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from safecampus.inbox.models import NotificationKind
from safecampus.inbox.services import notify
from safecampus.roster.models import Guardian

from .models import ExitPass, ExitStatus


def _pass(pk_or_pass: int | ExitPass) -> ExitPass | None:
    """The pass (as the service left it, when given), its pupil, class and school loaded."""
    if isinstance(pk_or_pass, ExitPass):
        return pk_or_pass
    return ExitPass.objects.select_related("student__school_class", "unit").filter(pk=pk_or_pass).first()


def parents_of(p: ExitPass) -> list[int]:
    return list(
        Guardian.objects.filter(student_id=p.student_id, parent__is_active=True).values_list(
            "parent_id", flat=True
        )
    )


def _send(p: ExitPass, users: Iterable[Any], title: str, key: str, **params: Any) -> int:
    local = timezone.localtime
    return notify(
        users,
        kind=NotificationKind.MESSAGE,
        title=title,
        body=gettext_noop("%(student)s, %(start)s – %(end)s: %(reason)s"),
        params={
            "student": p.student.name,
            "start": f"{local(p.window_from):%m-%d %H:%M}",
            "end": f"{local(p.window_until):%m-%d %H:%M}",
            "reason": p.reason,
            **params,
        },
        link=reverse("exits:detail", args=[p.pk]),
        dedupe_key=f"exit:{p.pk}:{key}",
        unit=p.unit,
    )


def requested(pk: int) -> int:
    p = _pass(pk)
    if p is None or p.student.school_class is None or not p.student.school_class.head_teacher_id:
        return 0
    return _send(
        p,
        [p.student.school_class.head_teacher_id],
        gettext_noop("Exit request to approve: %(student)s"),
        "requested",
    )


def decided(pk: int | ExitPass) -> int:
    p = _pass(pk)
    if p is None:
        return 0
    if p.status == ExitStatus.APPROVED:
        title = gettext_noop("Exit approved: %(student)s")
    elif p.status == ExitStatus.DECLINED:
        title = gettext_noop("Exit declined: %(student)s")
    else:
        return 0
    return _send(p, parents_of(p), title, p.status)


def passed_gate(pk: int | ExitPass, action: str) -> int:
    p = _pass(pk)
    if p is None:
        return 0
    if action == "exit":
        at = p.out_at
        title = gettext_noop("%(student)s left school at %(time)s")
    else:
        at = p.returned_at
        title = gettext_noop("%(student)s came back to school at %(time)s")
    time = f"{timezone.localtime(at):%H:%M}" if at else ""
    return _send(p, parents_of(p), title, action, time=time)
