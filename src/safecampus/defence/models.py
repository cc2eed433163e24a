"""The defence register of a school (人防 物防 技防, seed 001): protective gear, physical and
technical defences, each item with its kind, quantity, place, police-link status (alarms and
cameras, 联网 with the local public-security organ) and last test; the tests of an item; the
school's closed management (封闭化管理) confirmed with evidence; and the derived "three 100%"
fact row of each school (`Three100Fact`, see `defence.facts`).

An item's *state* is in service or retired (one transition, `defence.workflow`); its *status*
(failed / due / ok) is derived from the last test and the policy's test interval
(`defence.status`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safecampus.core.access import Rule
from safecampus.core.roles import Perm
from safecampus.core.scoping import ScopedModel

_USER = settings.AUTH_USER_MODEL


class Category(models.TextChoices):
    PROTECTIVE = "protective", _("Protective gear")
    PHYSICAL = "physical", _("Physical defences")
    TECHNICAL = "technical", _("Technical defences")


class Kind(models.TextChoices):
    STEEL_FORK = "steel_fork", _("Steel fork")
    SHIELD = "shield", _("Riot shield")
    STAB_VEST = "stab_vest", _("Stab-proof vest")
    BATON = "baton", _("Rubber baton")
    HELMET = "helmet", _("Protective helmet")
    GATE_BARRIER = "gate_barrier", _("Gate barrier / anti-ram bollards")
    FENCE = "fence", _("Perimeter fence")
    GUARD_ROOM = "guard_room", _("Guard room")
    CCTV = "cctv", _("CCTV camera")
    ONE_CLICK_ALARM = "one_click_alarm", _("One-click alarm")
    PERIMETER_ALARM = "perimeter_alarm", _("Perimeter alarm")


CATEGORY_OF: dict[str, str] = {
    Kind.STEEL_FORK: Category.PROTECTIVE,
    Kind.SHIELD: Category.PROTECTIVE,
    Kind.STAB_VEST: Category.PROTECTIVE,
    Kind.BATON: Category.PROTECTIVE,
    Kind.HELMET: Category.PROTECTIVE,
    Kind.GATE_BARRIER: Category.PHYSICAL,
    Kind.FENCE: Category.PHYSICAL,
    Kind.GUARD_ROOM: Category.PHYSICAL,
    Kind.CCTV: Category.TECHNICAL,
    Kind.ONE_CLICK_ALARM: Category.TECHNICAL,
    Kind.PERIMETER_ALARM: Category.TECHNICAL,
}
# Kinds whose link with the local police (联网) is recorded.
LINKABLE = frozenset({Kind.CCTV, Kind.ONE_CLICK_ALARM, Kind.PERIMETER_ALARM})


class State(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    RETIRED = "retired", _("Retired")


class Status(models.TextChoices):
    """Derived, never stored (`defence.status`); in the order of precedence."""

    FAILED = "failed", _("Failed")
    DUE = "due", _("Test due")
    OK = "ok", _("OK")


class Result(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class Equipment(ScopedModel):
    """One line of a school's defence register (a kind at a place, with its quantity)."""

    # The school's managers and bureaus above read it (VIEW_SECURITY).
    access = Rule(perm=Perm.VIEW_SECURITY)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    location = models.CharField(_("location"), max_length=200)
    police_linked = models.BooleanField(_("linked with the police"), default=False)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.IN_SERVICE)
    # What the tests left: the latest one's date and result (failed until a passing test).
    last_test_on = models.DateField(_("last test"), null=True, blank=True)
    last_result = models.CharField(_("last result"), max_length=4, choices=Result.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["category", "kind", "location", "id"]
        verbose_name = _("defence equipment")
        verbose_name_plural = _("defence equipment")
        indexes = [models.Index(fields=["unit_path", "state", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ×{self.quantity} {self.location}"

    @property
    def failed(self) -> bool:
        return self.last_result == Result.FAIL

    @property
    def linkable(self) -> bool:
        return self.kind in LINKABLE


class EquipmentTest(ScopedModel):
    """One test of an item (pass or fail, a note, a photo); a failed test raised `hazard`. A
    phone's retry with the same `client_id` answers this test again."""

    access = Rule(perm=Perm.VIEW_SECURITY)

    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="tests")
    client_id = models.UUIDField(editable=False)
    tested_by = models.ForeignKey(
        _USER, verbose_name=_("tested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("tested at"), db_index=True)
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)
    photo = models.FileField(upload_to="defence/%Y/%m/", max_length=255, blank=True)
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("hazard"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="defence_tests",
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("equipment test")
        verbose_name_plural = _("equipment tests")
        constraints = [
            models.UniqueConstraint(fields=["tested_by", "client_id"], name="defence_test_client_id_once"),
        ]

    def __str__(self) -> str:
        return f"{self.equipment_id} {self.result} {self.at:%Y-%m-%d}"


class ClosedManagement(ScopedModel):
    """A school's closed management (封闭化管理): confirmed or not, with its evidence (a photo
    or a document) and who confirmed it when. One row per school."""

    access = Rule(perm=Perm.VIEW_SECURITY)

    confirmed = models.BooleanField(_("confirmed"), default=False)
    evidence = models.FileField(upload_to="defence/closed/%Y/%m/", max_length=255, blank=True)
    evidence_type = models.CharField(max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)
    confirmed_by = models.ForeignKey(
        _USER, verbose_name=_("confirmed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("closed management")
        verbose_name_plural = _("closed management")
        constraints = [models.UniqueConstraint(fields=["unit"], name="defence_closed_once_per_school")]

    def __str__(self) -> str:
        return f"{self.unit_id} {'yes' if self.confirmed else 'no'}"


class Shortfall(ScopedModel):
    """A required kind missing or below the policy's minimum at a school, reported as a hazard
    (one open hazard per school and kind at a time)."""

    access = Rule(perm=Perm.VIEW_SECURITY)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    have = models.PositiveIntegerField(default=0)
    need = models.PositiveIntegerField(default=0)
    hazard = models.ForeignKey(
        "hazards.Hazard", null=True, on_delete=models.SET_NULL, related_name="defence_shortfalls"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "kind"])]


class Three100Fact(ScopedModel):
    """The "three 100%" indicators of one school, derived (never typed in) by `defence.facts`
    from its register, tests, closed management and guard staffing; rolled up by
    `defence.rollup`."""

    access = Rule(perm=Perm.VIEW_SECURITY)

    closed_management = models.BooleanField(default=False)
    alarm_networked = models.BooleanField(default=False)
    video_networked = models.BooleanField(default=False)
    guards_staffed = models.BooleanField(default=False)
    all_three = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit"], name="defence_fact_once_per_school")]
        indexes = [models.Index(fields=["unit_path", "all_three"])]

    def __str__(self) -> str:
        return f"three100 {self.unit_id}"


from .stats_models import Three100Cell, Three100Delta  # noqa: E402,F401  (the board's roll-up)
