"""Training statistics: participation facts, pending deltas, roll-up cells and target cells.

A *node* is a unit of the org tree (grade_id = class_id = 0) or, inside a school, a grade
(class_id = 0) or a class. A *scope* is a campaign (stage_id = course_id = 0), a stage
(course_id = 0) or a course. Learning facts (`training.LearningDay`, `Participation`) carry the
node the learner belonged to when the fact happened; their ancestors are the prefixes of
`unit_path`, so no query walks the tree.

`StatDelta` rows are written in the same transaction as the credited heartbeat or the quiz
pass; the core roll-up engine (`rollup.TRAINING`) folds them into `StatCell` (per node, scope,
audience and day) and deletes them in one transaction, so each delta counts exactly once.
Figures read cells plus the deltas still pending, so they are exact at any moment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safecampus.core.scoping import ScopedModel
from safecampus.training.models import Audience
from safecampus.training.progress_models import LEARNER_ROWS

NO_GRADE = -100  # grade_level of people who are not students in a grade


class Participation(ScopedModel):
    """A learner's first engagement with a scope (course, stage or campaign), attributed to the
    node they belonged to then. Course rows also carry the completion and pass days."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey("training.Campaign", on_delete=models.CASCADE, related_name="+")
    stage_id = models.IntegerField(default=0)
    course_id = models.IntegerField(default=0)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    grade_id = models.IntegerField(default=0)
    class_id = models.IntegerField(default=0)
    first_day = models.DateField()
    completed_day = models.DateField(null=True)
    passed_day = models.DateField(null=True)

    access = LEARNER_ROWS

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "campaign", "stage_id", "course_id"], name="uniq_participation"
            )
        ]
        indexes = [models.Index(fields=["campaign", "stage_id", "course_id", "unit_path"])]


class Counters(models.Model):
    learning_ms = models.BigIntegerField(default=0)
    participants = models.IntegerField(default=0)  # distinct people in this scope
    takings = models.IntegerField(default=0)  # people × courses begun
    completions = models.IntegerField(default=0)  # people × courses completed
    passes = models.IntegerField(default=0)  # people × course quizzes passed

    class Meta:
        abstract = True


COUNTER_FIELDS = ["learning_ms", "participants", "takings", "completions", "passes"]
CELL_KEY = ["unit_id", "grade_id", "class_id", "campaign_id", "stage_id", "course_id", "audience", "day"]


class StatDelta(Counters):
    """A change not yet folded into the cells. Course-scope deltas (course_id ≠ 0) count for
    the course, its stage and its campaign; other deltas only for their own scope."""

    unit_id = models.IntegerField()
    unit_path = models.CharField(max_length=255)
    grade_id = models.IntegerField(default=0)
    class_id = models.IntegerField(default=0)
    campaign_id = models.IntegerField()
    stage_id = models.IntegerField(default=0)
    course_id = models.IntegerField(default=0)
    audience = models.CharField(max_length=10)
    day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["campaign_id", "unit_path"])]

    def __str__(self) -> str:
        return f"delta {self.pk}"


class StatCell(Counters):
    unit_id = models.IntegerField()
    grade_id = models.IntegerField(default=0)
    class_id = models.IntegerField(default=0)
    campaign_id = models.IntegerField()
    stage_id = models.IntegerField(default=0)
    course_id = models.IntegerField(default=0)
    audience = models.CharField(max_length=10)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=CELL_KEY, name="uniq_stat_cell")]
        indexes = [models.Index(fields=["campaign_id", "stage_id", "course_id", "unit_id", "day"])]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.grade_id}/{self.class_id} {self.day}"


TARGET_KEY = ["unit_id", "grade_id", "class_id", "school_year", "audience", "school_type", "grade_level"]


class TargetBase(models.Model):
    unit_id = models.IntegerField()
    grade_id = models.IntegerField(default=0)
    class_id = models.IntegerField(default=0)
    school_year = models.PositiveSmallIntegerField()
    audience = models.CharField(max_length=10)
    school_type = models.CharField(max_length=20, blank=True)
    grade_level = models.SmallIntegerField(default=NO_GRADE)
    people = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.grade_id}/{self.class_id} {self.school_year}: {self.people}"


class TargetOwn(TargetBase):
    """People whose home is exactly this unit (students by grade and class), for one school
    year: what the unit contributes to its ancestors' targets."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=TARGET_KEY, name="uniq_target_own")]


class TargetCell(TargetBase):
    """Target population of a node: a unit's whole subtree, or a grade or class of a school."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=TARGET_KEY, name="uniq_target_cell")]
        indexes = [models.Index(fields=["unit_id", "school_year"])]
