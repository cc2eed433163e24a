"""Duty rosters (值班安排): leadership shifts (领导带班, 24 h), teachers on duty (教师值班, by day and
slot) and school-gate duty posts (护学岗, at arrival and dismissal), the rotas that generate them,
and swaps between colleagues with approval.

A `Shift` belongs to a school. Its person takes it over (接班) from shortly before its start and
hands it over (交班) with a note (交接班记录); a shift not taken over by its start plus the grace
of the policy becomes missed and the school's safety office is alerted. Statuses move through the
one transition table `SHIFT_TRANSITIONS`; swaps through `SWAP_TRANSITIONS`.

Who reads shifts (`Shift.access`): the school's staff holding `duties.view` (safety office,
principal, school admin) and the bureaus above them; everyone reads their own shifts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.access import Rule
from safecampus.core.roles import Perm
from safecampus.core.scoping import ScopedModel

_USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    LEADERSHIP = "leadership", _("Leadership shift")  # 领导带班
    DUTY = "duty", _("Teacher on duty")  # 教师值班
    GATE = "gate", _("School-gate duty post")  # 护学岗


class Slot(models.TextChoices):
    FULL_DAY = "24h", _("24 hours")
    DAY = "day", pgettext_lazy("duty slot", "Day")
    EVENING = "evening", pgettext_lazy("duty slot", "Evening")
    ARRIVAL = "arrival", pgettext_lazy("duty slot", "Arrival")
    DISMISSAL = "dismissal", pgettext_lazy("duty slot", "Dismissal")


# The slots each kind of shift has.
KIND_SLOTS: dict[str, tuple[str, ...]] = {
    Kind.LEADERSHIP: (Slot.FULL_DAY,),
    Kind.DUTY: (Slot.DAY, Slot.EVENING),
    Kind.GATE: (Slot.ARRIVAL, Slot.DISMISSAL),
}


class ShiftStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ON_DUTY = "on_duty", _("On duty")
    HANDED_OVER = "handed_over", _("Handed over")
    MISSED = "missed", pgettext_lazy("duty", "Not taken over")


# The one transition table of a shift: action -> (from states, to state). A missed shift may still
# be taken over late (it keeps `missed_at`).
SHIFT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "take_over": (frozenset({ShiftStatus.PLANNED, ShiftStatus.MISSED}), ShiftStatus.ON_DUTY),
    "hand_over": (frozenset({ShiftStatus.ON_DUTY}), ShiftStatus.HANDED_OVER),
    "miss": (frozenset({ShiftStatus.PLANNED}), ShiftStatus.MISSED),
}


class Rotation(models.TextChoices):
    WEEKLY = "weekly", _("Weekly: one person a week")
    DAILY = "daily", _("Daily: the next person each school day")


class Rota(ScopedModel):
    """A generator definition: who takes `kind`/`slot` in turn over the school days of a range."""

    access = Rule(perm=Perm.VIEW_DUTIES)

    kind = models.CharField(_("kind of shift"), max_length=12, choices=Kind.choices)
    slot = models.CharField(_("slot"), max_length=10, choices=Slot.choices)
    post = models.CharField(_("post"), max_length=60, blank=True)  # e.g. 南门 for a gate post
    people = models.JSONField(_("people in order"), default=list)  # user ids
    rotation = models.CharField(
        _("rotation"), max_length=8, choices=Rotation.choices, default=Rotation.WEEKLY
    )
    weekdays = models.JSONField(_("weekdays"), default=list)  # ISO weekdays 1 (Mon) … 7 (Sun)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "kind", "slot", "id"]
        verbose_name = _("rota")
        verbose_name_plural = _("rotas")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_slot_display()} {self.starts_on}–{self.ends_on}"


class Shift(ScopedModel):
    """One person's shift at a school (unit = the school) on a day and slot."""

    access = Rule(perm=Perm.VIEW_DUTIES, own="person")

    kind = models.CharField(_("kind of shift"), max_length=12, choices=Kind.choices)
    slot = models.CharField(_("slot"), max_length=10, choices=Slot.choices)
    post = models.CharField(_("post"), max_length=60, blank=True)
    date = models.DateField(_("day"))
    start = models.DateTimeField(pgettext_lazy("shift", "start"))
    end = models.DateTimeField(pgettext_lazy("shift", "end"))
    person = models.ForeignKey(_USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=ShiftStatus.choices, default=ShiftStatus.PLANNED
    )
    rota = models.ForeignKey(Rota, null=True, blank=True, on_delete=models.SET_NULL, related_name="shifts")
    position = models.PositiveSmallIntegerField(default=0)  # which of the rota's people a day (0: manual)
    take_over_at = models.DateTimeField(_("taken over at"), null=True, blank=True)
    take_over_note = models.TextField(_("note on taking over"), blank=True)
    take_over_client_id = models.UUIDField(null=True, blank=True, unique=True)
    hand_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    hand_over_note = models.TextField(_("handover note"), blank=True)
    hand_over_client_id = models.UUIDField(null=True, blank=True, unique=True)
    missed_at = models.DateTimeField(_("marked not taken over at"), null=True, blank=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "start", "kind", "id"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "slot", "date", "person"], name="duty_shift_once_per_person"
            ),
            models.UniqueConstraint(
                fields=["rota", "date", "position"],
                condition=Q(rota__isnull=False),
                name="duty_rota_once_a_day",
            ),
        ]
        indexes = [
            models.Index(fields=["unit_path", "date"]),
            models.Index(fields=["person", "date"]),
            models.Index(fields=["status", "start"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d} {self.get_slot_display()}"


class SwapStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


SWAP_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({SwapStatus.REQUESTED}), SwapStatus.APPROVED),
    "reject": (frozenset({SwapStatus.REQUESTED}), SwapStatus.REJECTED),
}


def _swap_to_me(user: object) -> Q:
    return Q(to_person=user) if getattr(user, "pk", None) else Q(pk__in=[])


class Swap(ScopedModel):
    """The person on a shift asks a colleague of the same school to take it; a manager decides."""

    access = Rule(perm=Perm.VIEW_DUTIES, own="from_person", extra=(_swap_to_me,))

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="swaps")
    from_person = models.ForeignKey(
        _USER, verbose_name=_("swapped from"), on_delete=models.PROTECT, related_name="+"
    )
    to_person = models.ForeignKey(
        _USER, verbose_name=_("swapped to"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=SwapStatus.choices, default=SwapStatus.REQUESTED
    )
    client_id = models.UUIDField(null=True, blank=True, unique=True)
    decided_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("shift swap")
        verbose_name_plural = _("shift swaps")
        constraints = [
            models.UniqueConstraint(
                fields=["shift"], condition=Q(status="requested"), name="duty_one_pending_swap_per_shift"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shift} → {self.to_person_id}"
