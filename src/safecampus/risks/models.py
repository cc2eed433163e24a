"""Risk points (风险点) of a school, their grading history, control plans for major risks, and the
campus plan with areas for the four-colour map (四色分布图).

Business rules live in the services (`risks.services`, `risks.regrade`, `risks.plans`); the status
of a point moves only through the one transition table there.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safecampus.core.access import Rule
from safecampus.core.i18n import localized
from safecampus.core.roles import Perm
from safecampus.core.scoping import ScopedModel


class Category(models.TextChoices):
    """The fields of school safety named in seed 001 and the dual-prevention guidance."""

    FIRE = "fire", _("Fire safety")
    BUILDINGS = "buildings", _("School buildings")
    FACILITIES = "facilities", _("Facilities and equipment")
    LABORATORY = "laboratory", _("Laboratories and hazardous chemicals")
    FOOD = "food", _("Canteen and food")
    UTILITIES = "utilities", _("Water, electricity, gas and special equipment")
    TRAFFIC = "traffic", _("Traffic and school bus")
    ACTIVITIES = "activities", _("Activities and sport")
    DROWNING = "drowning", _("Drowning")
    NATURAL = "natural", _("Natural disasters")
    SECURITY = "security", _("Public security and surroundings")
    WELLBEING = "wellbeing", _("Mental health and bullying")
    HEALTH = "health", _("Health and infectious disease")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    """Risk level; the colour of each comes from the policy (red, orange, yellow, blue)."""

    MAJOR = "major", _("Major risk")
    HIGH = "high", _("High risk")
    MODERATE = "moderate", _("Moderate risk")
    LOW = "low", _("Low risk")


LEVEL_ORDER = {Level.MAJOR: 4, Level.HIGH: 3, Level.MODERATE: 2, Level.LOW: 1}
LEVEL_COLOURS = {Level.MAJOR: "red", Level.HIGH: "orange", Level.MODERATE: "yellow", Level.LOW: "blue"}


class Method(models.TextChoices):
    LEC = "LEC", _("LEC (D = L × E × C)")
    LS = "LS", _("Risk matrix (R = L × S)")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    RETIRED = "retired", _("Retired")


class ControlLevel(models.TextChoices):
    SCHOOL = "school", _("School")
    DEPARTMENT = "department", _("Department")
    POST = "post", _("Post")


def _reported_upward(bureau: Any) -> Any:
    from .queries import reported_q  # the policy's levels: read side

    return reported_q(bureau)


class RiskPoint(ScopedModel):
    """One risk point of a school: where, what may happen, how it is controlled, how it is graded."""

    # School people who may view risks read their school's points; bureau people, in their
    # subtree, only what schools report upward (confirmed points of yellow and above).
    access = Rule(perm=Perm.VIEW_RISKS, bureau_q=_reported_upward)

    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    location = models.CharField(_("location"), max_length=200)
    building = models.CharField(_("building"), max_length=60, blank=True)
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    room = models.CharField(_("room"), max_length=60, blank=True)
    outdoor_area = models.CharField(_("outdoor area"), max_length=60, blank=True)
    hazard_factors = models.TextField(_("hazard factors"), blank=True)
    consequences = models.TextField(_("possible consequences"), blank=True)
    controls = models.TextField(_("existing controls"), blank=True)
    emergency_measures = models.TextField(_("emergency measures"), blank=True)
    responsible_post = models.CharField(_("responsible post"), max_length=40, blank=True)
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    control_level = models.CharField(_("control level"), max_length=16, choices=ControlLevel.choices)
    method = models.CharField(_("grading method"), max_length=3, choices=Method.choices)
    lec_l = models.DecimalField("L", max_digits=6, decimal_places=2, null=True, blank=True)
    lec_e = models.DecimalField("E", max_digits=6, decimal_places=2, null=True, blank=True)
    lec_c = models.DecimalField("C", max_digits=6, decimal_places=2, null=True, blank=True)
    ls_likelihood = models.PositiveSmallIntegerField(_("likelihood"), null=True, blank=True)
    ls_severity = models.PositiveSmallIntegerField(_("severity"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=12, decimal_places=4)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    policy_version = models.CharField(_("policy version"), max_length=120)
    review_date = models.DateField(_("next review"), null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    area = models.ForeignKey(
        "risks.PlanArea", verbose_name=_("area"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="risk_points",
    )  # fmt: skip
    pin_x = models.FloatField(null=True, blank=True)  # 0..1 of the plan image's width
    pin_y = models.FloatField(null=True, blank=True)  # 0..1 of its height
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit_path", "-score", "name", "id"]
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")
        indexes = [models.Index(fields=["unit_path", "status", "level"])]

    def __str__(self) -> str:
        return self.name

    @property
    def display_title(self) -> str:
        """The name in the reader's language (its English one on English pages, when there is one)."""
        return localized(self, "name")

    @property
    def colour(self) -> str:
        return LEVEL_COLOURS.get(self.level, "blue")

    @property
    def rank(self) -> int:
        return LEVEL_ORDER.get(self.level, 0)

    def factors(self) -> dict[str, float | int | None]:
        if self.method == Method.LEC:
            return {"l": _num(self.lec_l), "e": _num(self.lec_e), "c": _num(self.lec_c)}
        return {"likelihood": self.ls_likelihood, "severity": self.ls_severity}

    def factors_text(self) -> str:
        f = self.factors()
        if self.method == Method.LEC:
            return f"L={_fmt(f['l'])} E={_fmt(f['e'])} C={_fmt(f['c'])}"
        return f"L={f['likelihood']} S={f['severity']}"

    @property
    def score_text(self) -> str:
        return _fmt(_num(self.score))

    def snapshot(self) -> dict:
        return {
            "name": self.name,
            "category": self.category,
            "location": self.location,
            "method": self.method,
            "factors": self.factors(),
            "score": _num(self.score),
            "level": self.level,
            "status": self.status,
            "control_level": self.control_level,
            "responsible_post": self.responsible_post,
            "responsible_person": self.responsible_person_id,
            "policy_version": self.policy_version,
            "review_date": self.review_date.isoformat() if self.review_date else None,
        }


def _num(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _fmt(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g}"


class GradingReason(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    REGRADED = "regraded", _("Graded again")
    POLICY = "policy", _("Policy change")


class RiskGrading(ScopedModel):
    """Every grading of a point is kept: factors, score, level and the policy it used."""

    point = models.ForeignKey(RiskPoint, on_delete=models.CASCADE, related_name="gradings")
    method = models.CharField(max_length=3, choices=Method.choices)
    factors = models.JSONField()
    score = models.DecimalField(max_digits=12, decimal_places=4)
    level = models.CharField(max_length=10, choices=Level.choices)
    previous_level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    policy_version = models.CharField(max_length=120)
    reason = models.CharField(max_length=12, choices=GradingReason.choices)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-graded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.point_id} {self.level} {self.score}"

    @property
    def score_text(self) -> str:
        return _fmt(_num(self.score))


class ControlPlan(ScopedModel):
    """The control plan a major (red) risk needs before it may be confirmed (重大风险管控方案)."""

    point = models.OneToOneField(RiskPoint, on_delete=models.CASCADE, related_name="control_plan")
    measures = models.TextField(_("control measures"))
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible person"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    review_date = models.DateField(_("review date"))
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"plan of {self.point_id}"

    def snapshot(self) -> dict:
        return {
            "measures": self.measures,
            "responsible_person": self.responsible_person_id,
            "review_date": self.review_date.isoformat(),
        }


class CampusPlan(ScopedModel):
    """A school's campus plan: an uploaded image (checked by content and re-encoded)."""

    image = models.FileField(upload_to="risks/plans/%Y/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=120, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit"], name="one_campus_plan_per_school")]

    def __str__(self) -> str:
        return self.title or f"plan {self.pk}"


class PlanArea(ScopedModel):
    """An area drawn on the plan: a polygon of points in image-relative coordinates (0..1)."""

    plan = models.ForeignKey(CampusPlan, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("name"), max_length=60)
    polygon = models.JSONField()  # [[x, y], ...], each 0..1 of the image
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


from .counts import RiskCell, RiskDelta  # noqa: E402,F401  (the risk points counted per unit)
