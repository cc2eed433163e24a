"""Class work: lessons assigned to a class, classroom sessions, certificates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safecampus.core.scoping import ScopedModel
from safecampus.roster.models import SchoolClass, Student

from .models import Course, Lesson
from .progress_models import LEARNER_ROWS


class ClassAssignment(ScopedModel):
    """A lesson a head teacher set for a class, due by a date (cadence from the policy)."""

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="training_assignments"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="assignments")
    due_on = models.DateField(_("due on"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school_class", "lesson"], name="uniq_class_assignment")
        ]


class SessionStatus(models.TextChoices):
    OPEN = "open", _("Playing")
    CLOSED = "closed", _("Finished")


class ClassroomSession(ScopedModel):
    """A lesson played on the classroom screen; present students are credited once, on closing,
    with the wall-clock time the session ran (at most the lesson's length)."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="classroom_sessions")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    credited_s = models.FloatField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]


class ClassroomAttendance(models.Model):
    session = models.ForeignKey(ClassroomSession, on_delete=models.CASCADE, related_name="attendance")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "student"], name="uniq_attendance")]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.student_id}"


class CertificateKind(models.TextChoices):
    COURSE = "course", _("Course completed")
    YEAR = "year", _("Annual training hours")


class Certificate(ScopedModel):
    """Issued once per learner and course (or year); the number stays the same on reprint."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=CertificateKind.choices)
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.CharField(max_length=32, unique=True)
    hours = models.FloatField(default=0)
    issued_at = models.DateTimeField(auto_now_add=True)

    access = LEARNER_ROWS

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course"],
                condition=models.Q(kind="course"),
                name="uniq_course_certificate",
            ),
            models.UniqueConstraint(
                fields=["learner", "year"], condition=models.Q(kind="year"), name="uniq_year_certificate"
            ),
        ]
