"""At the gate: a scanned or typed pass code, judged for the gate's school, and the exit (or, for a
pupil already out, the return) recorded when allowed. Also what the gate desk and the gate log
of the visitors module read (registered in `ExitsConfig.ready`).

The verdict, in order: no pass with this code; a pass of another school (nothing about the pupil
is shown); pending, declined, cancelled, expired (the window is over) or used passes are refused;
before the window opens, refused; an approved pass in its window lets the pupil out; a pass
already out records the return (at any time — a late return is still a return).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.access import holds_at
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.models import Unit
from safecampus.core.roles import Perm
from safecampus.visitors.gatelog import LogEntry

from . import services
from .models import ExitPass, ExitStatus
from .queries import GATE_RELATED, day_bounds
from .status import effective


@dataclass
class Verdict:
    allowed: bool
    reason: str
    exit_pass: ExitPass | None = None
    action: str | None = None  # "exit" or "return" when allowed
    recorded: bool = False

    def student(self) -> dict[str, Any] | None:
        if self.exit_pass is None:
            return None
        s = self.exit_pass.student
        return {"name": s.name, "class": str(s.school_class) if s.school_class_id else "", "photo_url": None}


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return date_format(local, "H:i")
    return date_format(local, "SHORT_DATETIME_FORMAT")


def judge(p: ExitPass | None, school: Unit, now: dt.datetime | None = None) -> Verdict:
    """The verdict on a pass at `school`'s gate now, without recording anything."""
    now = now or timezone.now()
    if p is None:
        return Verdict(False, _("No exit pass has this code."))
    if p.unit_id != school.pk:
        return Verdict(False, _("This pass is of another school."))
    status = effective(p, now)
    refused = {
        ExitStatus.PENDING: _("The head teacher has not approved this pass yet."),
        ExitStatus.DECLINED: _("The head teacher declined this pass."),
        ExitStatus.CANCELLED: _("This pass was cancelled."),
        ExitStatus.EXPIRED: _("The pass's time window is over (it ended %(end)s).")
        % {"end": _when(p.window_until)},
    }
    if status in refused:
        return Verdict(False, refused[status], p)
    if status == ExitStatus.RETURNED:
        return Verdict(
            False,
            _("This pass has been used: the pupil came back at %(time)s.") % {"time": _when(p.returned_at)},
            p,
        )
    if status == ExitStatus.OUT:
        return Verdict(True, _("Back at school: record the return."), p, "return")
    if now < p.window_from:
        return Verdict(
            False, _("Too early: the pass is valid from %(start)s.") % {"start": _when(p.window_from)}, p
        )
    return Verdict(
        True, _("Approved: the pupil may leave until %(end)s.") % {"end": _when(p.window_until)}, p, "exit"
    )


def find(code: str) -> ExitPass | None:
    code = services.normalise_code(code)
    if not code:
        return None
    # Only what the verdict, the permission check and the answer read: the gate asks this for
    # every scan, and each further join costs the device's wait.
    return ExitPass.objects.select_related(*GATE_RELATED).filter(code=code).first()


def check_code(actor: Any, school: Unit, code: Any, *, record: bool = True) -> Verdict:
    """Judge `code` at `school`'s gate; with `record`, record the exit or return it allows (and
    audit a refusal of one of the school's own passes)."""
    if not holds_at(actor, Perm.WORK_GATE, school):
        raise PermissionDenied(Perm.WORK_GATE)
    if not services.normalise_code(code):
        raise Invalid(_("Enter the pass code."), field="code")
    p = find(code)
    verdict = judge(p, school)
    if not record:
        return verdict
    if verdict.allowed and p is not None:
        try:
            verdict.exit_pass = services.record_gate(p, actor=actor, action=verdict.action or "exit")
            verdict.recorded = True
        except Conflict:  # another gate device recorded it a moment ago: judge again
            p.refresh_from_db()
            verdict = judge(p, school)
            verdict.allowed, verdict.action = False, None
        if verdict.recorded:
            verdict.reason = (
                _("Exit recorded: %(reason)s") % {"reason": p.reason}
                if verdict.action == "exit"
                else _("Return recorded.")
            )
    elif p is not None and p.unit_id == school.pk:
        audit.record(actor, "exits.refused", p, after={"reason": verdict.reason, "status": effective(p)})
    return verdict


def check_url(code: str) -> str:
    return reverse("exits:check") + "?" + urlencode({"code": code})


def desk_lookup(user: Any, school: Unit, code: str) -> str | None:
    """The gate desk's code box: an exit pass's code opens the check page (any school's: the
    page then refuses another school's pass with the reason)."""
    normal = services.normalise_code(code)
    if len(normal) != services.CODE_LENGTH or not holds_at(user, Perm.WORK_GATE, school):
        return None
    if not ExitPass.objects.filter(code=normal).exists():
        return None
    return check_url(normal)


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳晓岚 → 欧**岚: enough for the guard's log, not the full name."""
    name = name or ""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def log_entries(user: Any, school: Unit, day: dt.date) -> list[LogEntry]:
    """The gate log's exits and returns of pupils at `school` on `day`."""
    start, end = day_bounds(day)
    qs = ExitPass.objects.filter(unit=school).select_related("student__school_class__grade")
    out: list[LogEntry] = []
    for p in qs.filter(out_at__gte=start, out_at__lt=end):
        out.append(
            LogEntry(
                p.out_at, "exit", _("Pupil left"), mask_name(p.student.name), p.reason, "out", _detail_url(p)
            )
        )
    for p in qs.filter(returned_at__gte=start, returned_at__lt=end):
        out.append(
            LogEntry(
                p.returned_at,
                "return",
                _("Pupil came back"),
                mask_name(p.student.name),
                p.reason,
                "in",
                _detail_url(p),
            )
        )
    return out


def _detail_url(p: ExitPass) -> str:
    return reverse("exits:detail", args=[p.pk])
