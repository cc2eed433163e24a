"""Reading notices: a reader's inbox and where a user stands towards one notice.

A user reaches a notice as its sender's side (`Notice.objects.visible_to`: a holder of
`notices.view_reach` at the sender's unit or above), as a recipient (the audience resolved now,
`notices.audience`; or a receipt they already gave), as a unit addressed (a holder of
`notices.view_reach` in the audience's subtree: its reach there), as the head teacher of a class
addressed (the families not confirmed), or as a school asked to acknowledge, forward or report.
Anyone else — a sibling county, a parent of another school — gets 404, as for a missing notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from safecampus.core.access import memberships, signed_in, teaching
from safecampus.core.models import Unit
from safecampus.core.roles import Perm
from safecampus.core.rollups import ancestor_paths
from safecampus.core.scoping import has_perm_at

from .audience import PARENT, Audience, Slot, addressed, reader_slots
from .models import Notice, NoticeStatus, NoticeTarget, Receipt


@dataclass
class InboxItem:
    notice: Notice
    slots: list[Slot]
    receipts: dict[int | None, Receipt]

    @property
    def read_at(self) -> Any:
        found = [self.receipts[s.key].read_at for s in self.slots if s.key in self.receipts]
        found = [r for r in found if r is not None]
        if len(found) < len(self.slots) or not found:
            return None
        return max(found)

    @property
    def unread(self) -> bool:
        return self.read_at is None

    @property
    def child_slots(self) -> list[Slot]:
        return [s for s in self.slots if s.kind == PARENT]

    def confirmed_at(self, slot: Slot) -> Any:
        r = self.receipts.get(slot.key)
        return r.confirmed_at if r else None

    @property
    def to_confirm(self) -> list[Slot]:
        """Slots still to confirm (none for a notice only to read)."""
        if self.notice.confirm == "read":
            return []
        return [s for s in self.slots if self.confirmed_at(s) is None]


def _candidates(slots: list[Slot]) -> list[Notice]:
    paths: set[str] = set()
    for s in slots:
        paths.update(ancestor_paths(s.unit_path))
    if not paths:
        return []
    ids = NoticeTarget.objects.filter(path__in=sorted(paths), notice__status=NoticeStatus.PUBLISHED).values(
        "notice_id"
    )
    return list(Notice.objects.filter(pk__in=ids).select_related("unit").order_by("-published_at", "-id"))


def inbox(user: Any, slots: list[Slot] | None = None) -> list[InboxItem]:
    """The published notices addressed to the user now (and those they already answered), newest
    first, each with the user's slots and receipts."""
    if not signed_in(user):
        return []
    slots = reader_slots(user) if slots is None else slots
    notices = {n.pk: n for n in _candidates(slots)}
    receipts: dict[int, dict[int | None, Receipt]] = {}
    for r in Receipt.objects.filter(user=user).select_related("child"):
        receipts.setdefault(r.notice_id, {})[r.child_id] = r
    missing = [pk for pk in receipts if pk not in notices]
    if missing:
        for n in Notice.objects.filter(pk__in=missing, status=NoticeStatus.PUBLISHED).select_related("unit"):
            notices[n.pk] = n
    out = []
    for n in notices.values():
        mine = addressed(Audience.of(n.audience), slots)
        given = receipts.get(n.pk, {})
        keys = {s.key for s in mine}
        for key, r in given.items():  # a receipt given is kept, wherever the child is now
            if key not in keys:
                mine.append(_slot_of_receipt(r))
        if mine:
            out.append(InboxItem(n, mine, given))
    out.sort(key=lambda i: (i.notice.published_at, i.notice.pk), reverse=True)
    return out


def _slot_of_receipt(r: Receipt) -> Slot:
    kind = PARENT if r.child_id else "staff"
    name = r.child.name if r.child_id else ""
    return Slot(kind, r.unit_id, r.unit_path, grade_id=r.grade_id, class_id=r.class_id, child_id=r.child_id,
                child_name=name)  # fmt: skip


@dataclass
class Standing:
    """Where a user stands towards one notice (see the module docstring)."""

    notice: Notice
    item: InboxItem | None = None
    sends: bool = False  # may edit, publish, withdraw (notices.send at the sender's unit)
    reach_roots: list[Unit] = field(default_factory=list)  # units whose reach the user may read
    classes: list[Any] = field(default_factory=list)  # classes addressed the user heads
    schools: list[Unit] = field(default_factory=list)  # schools the user answers for

    @property
    def any(self) -> bool:
        return bool(self.sends or self.item or self.reach_roots or self.classes or self.schools)

    def may_read_reach(self, unit: Unit) -> bool:
        return any(unit.path.startswith(r.path) for r in self.reach_roots)


def bureau_asks(notice: Notice) -> bool:
    return bool(notice.ack_hours or notice.require_forward or notice.require_report) and notice.unit.is_bureau


def standing_of(user: Any, notice: Notice) -> Standing:
    st = Standing(notice)
    if not signed_in(user):
        return st
    sender_side = Notice.objects.visible_to(user).filter(pk=notice.pk).exists()
    st.sends = has_perm_at(user, Perm.SEND_NOTICES, notice.unit) and any(
        m.unit_id == notice.unit_id for m in memberships(user, Perm.SEND_NOTICES)
    )
    if sender_side:
        st.reach_roots = [notice.unit]
    if notice.status != NoticeStatus.PUBLISHED:
        if notice.status == NoticeStatus.WITHDRAWN and not sender_side:
            st.sends = False
        return st
    aud = Audience.of(notice.audience)
    if not sender_side:
        roots = {}
        for m in memberships(user, Perm.VIEW_NOTICE_REACH):
            p = m.unit.path
            if p.startswith(notice.unit.path) and (aud.under(p) or any(t.startswith(p) for t in aud.paths)):
                roots[m.unit.pk] = m.unit
        st.reach_roots = [u for u in roots.values() if not any(
            u.path.startswith(o.path) and u.pk != o.pk for o in roots.values())]  # fmt: skip
    if aud.families:
        for klass in teaching().classes(user).select_related("grade", "unit"):
            if aud.pupil_ok(klass.unit_path, klass.unit.school_type, klass.grade.level, klass.pk):
                st.classes.append(klass)
    if bureau_asks(notice):
        for m in memberships(user, Perm.SEND_NOTICES, bureau=False):
            if aud.under(m.unit.path) and aud.typed(m.unit.school_type, True) and m.unit not in st.schools:
                st.schools.append(m.unit)
    items = inbox_for_notice(user, notice)
    st.item = items[0] if items else None
    return st


def inbox_for_notice(user: Any, notice: Notice) -> list[InboxItem]:
    """The user's inbox entry for one published notice (empty when not a recipient)."""
    slots = addressed(Audience.of(notice.audience), reader_slots(user))
    given = {r.child_id: r for r in Receipt.objects.filter(user=user, notice=notice).select_related("child")}
    keys = {s.key for s in slots}
    for key, r in given.items():
        if key not in keys:
            slots.append(_slot_of_receipt(r))
    return [InboxItem(notice, slots, given)] if slots else []


def get_notice_for(user: Any, notice_id: int) -> tuple[Notice, Standing]:
    """The notice and the user's standing; 404 alike for missing and not theirs."""
    notice = Notice.objects.filter(pk=notice_id).select_related("unit", "forwarded_from").first()
    if notice is None:
        raise Http404
    st = standing_of(user, notice)
    if not st.any:
        raise Http404
    return notice, st


def sent_by(user: Any) -> Any:
    """The notices of the units where the user sends or reads reach (their subtree), newest first."""
    return Notice.objects.visible_to(user).select_related("unit").order_by("-created_at", "-id")


def class_notices(user: Any) -> list[tuple[Notice, Any]]:
    """(notice, class) for the published notices addressed to families of the classes the user
    heads, newest first (the head teacher's lists of families not confirmed)."""
    if not signed_in(user):
        return []
    classes = list(teaching().classes(user).select_related("grade", "unit"))
    if not classes:
        return []
    paths: set[str] = set()
    for k in classes:
        paths.update(ancestor_paths(k.unit_path))
    ids = NoticeTarget.objects.filter(path__in=sorted(paths), notice__status=NoticeStatus.PUBLISHED).values(
        "notice_id"
    )
    out = []
    for n in Notice.objects.filter(pk__in=ids).select_related("unit").order_by("-published_at", "-id")[:200]:
        aud = Audience.of(n.audience)
        if not aud.families:
            continue
        for k in classes:
            if aud.pupil_ok(k.unit_path, k.unit.school_type, k.grade.level, k.pk):
                out.append((n, k))
    return out
