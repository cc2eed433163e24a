"""Learning facts: heartbeats, lesson and course progress, quiz attempts, days, class work.

Progress rows carry the learner's unit (`unit`, `unit_path`) and audience, so that schools,
bureaus and statistics read them through the same scoping as everything else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safecampus.core.access import Rule
from safecampus.core.roles import Perm
from safecampus.core.scoping import ScopedModel

from .models import Audience, Campaign, Course, Lesson, Quiz, Stage

# Learning rows: managers of a unit see its learners' rows; head teachers the rows of their
# classes' students; parents their children's; everyone their own.
LEARNER_ROWS = Rule(
    perm=Perm.VIEW_USERS,
    classes="learner__student__school_class__",
    parents="learner__student__guardians__parent",
    own="learner",
)


class LearnerClock(models.Model):
    """One row per learner, locked while a heartbeat is applied: one lesson at a time."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="learner_clock"
    )
    last_at = models.DateTimeField(null=True)  # the latest accepted beat: (last_at, last_id)
    last_id = models.CharField(max_length=64, blank=True)
    beats = models.PositiveIntegerField(default=0)
    # The latest accepted beat pruned (`pruning.py`): the predecessor of the oldest kept beat.
    pruned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.learner_id)


class BeatStatus(models.TextChoices):
    PENDING = "pending", _("Received, not credited yet")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class Heartbeat(models.Model):
    """A beat as the client sent it, kept once per (learner, client id): the idempotency record
    and the fact every credited second is recounted from, until `pruning.py` folds it into its
    lesson's progress after `training.heartbeat_keep_days`."""

    rewrite_unit_path_on_move = True  # `core.services.move_unit` keeps the region key current

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Region key (DESIGN.md): the learner's unit's path when the beat was received.
    unit_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    client_id = models.CharField(max_length=64)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    position_s = models.FloatField()
    at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=BeatStatus.choices)
    reason = models.CharField(max_length=20, blank=True)
    credit_s = models.FloatField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "client_id"], name="uniq_heartbeat_id")]
        indexes = [
            models.Index(fields=["learner", "status", "at"]),
            models.Index(fields=["learner", "lesson", "status", "at"]),
            models.Index(
                fields=["received_at"], condition=models.Q(status="pending"), name="heartbeat_pending"
            ),
            models.Index(fields=["at"], name="heartbeat_at"),  # pruning takes the oldest
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}:{self.client_id}"


class ProgressBase(ScopedModel):
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    credited_s = models.FloatField(_("credited time"), default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    last_at = models.DateTimeField(null=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    access = LEARNER_ROWS

    class Meta:
        abstract = True


class LessonProgress(ProgressBase):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    raw_s = models.FloatField(default=0)  # sum of beat credits; credited_s = min(raw_s, length)
    pruned_s = models.FloatField(default=0)  # credits of this lesson's beats pruned so far
    pruned_furthest_s = models.FloatField(default=0)  # furthest position among them
    classroom_s = models.FloatField(default=0)  # credited by classroom sessions
    furthest_s = models.FloatField(default=0)
    position_s = models.FloatField(default=0)  # where to resume
    position_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "lesson"], name="uniq_lesson_progress")]
        indexes = [models.Index(fields=["unit_path", "course"])]


class CourseProgress(ProgressBase):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="progress")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey(Stage, null=True, on_delete=models.SET_NULL, related_name="+")
    lessons_completed = models.PositiveSmallIntegerField(default=0)
    best_score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)
    first_day = models.DateField(null=True, blank=True)  # first engagement (statistics)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "course"], name="uniq_course_progress")]
        indexes = [models.Index(fields=["unit_path", "campaign"])]


class LearningDay(ScopedModel):
    """Credited seconds of one learner on one lesson on one day (Asia/Shanghai): annual hours,
    trends by day and the recount behind statistics."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    grade_id = models.IntegerField(default=0)  # the student's grade and class on the day (statistics)
    class_id = models.IntegerField(default=0)
    day = models.DateField()
    credited_s = models.FloatField(default=0)

    access = LEARNER_ROWS

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "lesson", "day"], name="uniq_learning_day")]
        indexes = [models.Index(fields=["learner", "day"])]


class AttemptStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    SUBMITTED = "submitted", _("Submitted")


class QuizAttempt(ScopedModel):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    question_ids = models.JSONField(default=list)
    answers = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=AttemptStatus.choices, default=AttemptStatus.OPEN)
    score = models.PositiveSmallIntegerField(null=True)
    passed = models.BooleanField(null=True)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True)

    access = LEARNER_ROWS

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["learner", "quiz", "status"])]
