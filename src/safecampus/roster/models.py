"""Grades, classes, students, guardians and staff posts of a school."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safecampus.core import crypto
from safecampus.core.access import Rule
from safecampus.core.roles import Perm, Role
from safecampus.core.scoping import ScopedModel, ScopedQuerySet
from safecampus.core.validators import normalise

from .naming import grade_name


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class StudentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    TRANSFERRED = "transferred", _("Transferred")
    GRADUATED = "graduated", _("Graduated")
    SUSPENDED = "suspended", _("Suspended")


class Grade(ScopedModel):
    """A grade of a school in one school year (school_year 2026 = 2026–2027)."""

    school_year = models.PositiveSmallIntegerField(_("school year"))
    level = models.SmallIntegerField(_("grade level"))
    name = models.CharField(_("name"), max_length=30)

    class Meta:
        ordering = ["school_year", "level"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "school_year", "level"], name="uniq_grade_per_year"),
        ]

    def __str__(self) -> str:
        return self.name or grade_name(self.level)


class SchoolClass(ScopedModel):
    # Everyone at the school and the bureaus above read its classes; with a permission (e.g.
    # `visible_to(user, Perm.VIEW_USERS)`) its holders' subtree and the classes the user teaches.
    access = Rule(classes="")

    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="classes")
    number = models.PositiveSmallIntegerField(_("class number"))
    name = models.CharField(_("name as the school writes it"), max_length=30)
    head_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="head_of_classes",
    )
    assistants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assisted_classes")

    class Meta:
        ordering = ["grade__level", "number"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        constraints = [models.UniqueConstraint(fields=["grade", "number"], name="uniq_class_per_grade")]

    def __str__(self) -> str:
        return f"{self.grade}{self.name}"


def normalise_student_no(value: str) -> str:
    """A student number as stored and looked up: half-width, no spaces, upper case."""
    return normalise(value).upper()


def student_no_hash(value: str) -> str:
    """The keyed hash a student number is found by (exact match only)."""
    return crypto.lookup_hash(normalise_student_no(value))


class StudentQuerySet(ScopedQuerySet):
    def with_student_no(self, *numbers: str) -> StudentQuerySet:
        """Students whose student number is exactly one of `numbers` (by its keyed hash)."""
        hashes = [h for h in (student_no_hash(n) for n in numbers) if h]
        return self.filter(student_no_hash__in=hashes)

    def with_number(self, text: str) -> StudentQuerySet:
        """Students whose student number or ID-card number is exactly `text`."""
        key = normalise_student_no(text)
        if not key:
            return self.none()
        return self.filter(
            models.Q(student_no_hash=crypto.lookup_hash(key)) | models.Q(id_card_hash=crypto.lookup_hash(key))
        )


class Student(ScopedModel):
    # Bureaus and school managers: their subtree. Head teachers: their classes. Parents: their
    # children. Students: themselves. Anyone else: nobody.
    access = Rule(
        perm=Perm.VIEW_USERS,
        classes="school_class__",
        parents="guardians__parent",
        own="user",
        own_role=Role.STUDENT,
    )

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="student"
    )
    name = models.CharField(_("name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    student_no_enc = models.TextField(blank=True, editable=False)
    student_no_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_card_enc = models.TextField(blank=True, editable=False)
    id_card_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.PROTECT, related_name="students"
    )
    boarding = models.BooleanField(_("boarding"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=StudentStatus.choices, default=StudentStatus.ENROLLED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StudentQuerySet.as_manager()

    class Meta:
        ordering = ["school_class", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["student_no_hash"],
                condition=~models.Q(student_no_hash=""),
                name="uniq_student_no_hash",
            ),
            models.UniqueConstraint(
                fields=["id_card_hash"], condition=~models.Q(id_card_hash=""), name="uniq_student_id_card"
            ),
        ]
        indexes = [models.Index(fields=["unit_path", "status"])]

    def __str__(self) -> str:
        return self.name

    id_card = crypto.encrypted_attribute("id_card")
    id_card_masked = crypto.masked_attribute("id_card", crypto.mask_id_card)

    # The national student number is often "G" + the ID-card number: kept like the ID card.
    student_no = crypto.encrypted_attribute("student_no", normalise_student_no)
    student_no_masked = crypto.masked_attribute("student_no", crypto.mask_student_no)

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "gender": self.gender,
            "student_no": self.student_no_masked,
            "class": str(self.school_class) if self.school_class_id else "",
            "status": self.status,
            "boarding": self.boarding,
            "id_card": self.id_card_masked if self.id_card_enc else "",
        }


class Guardian(models.Model):
    """A parent or guardian linked to a student; one parent account for all their children."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardians")
    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardianships"
    )
    relation = models.CharField(_("relation"), max_length=20, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["student", "parent"], name="uniq_guardian")]

    def __str__(self) -> str:
        return f"{self.parent} → {self.student} ({self.relation})"


class StaffPost(ScopedModel):
    """A post held by a staff member at a school: a role of DESIGN.md or a free post name."""

    # Those who may see people read the posts of their subtree; everyone their own posts.
    access = Rule(perm=Perm.VIEW_USERS, own="user")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_posts")
    post = models.CharField(_("post"), max_length=40)
    role = models.CharField(_("role"), max_length=32, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "unit", "post"], name="uniq_staff_post")]

    def __str__(self) -> str:
        return f"{self.user} · {self.post}"


class ImportKind(models.TextChoices):
    STUDENTS = "students", _("Students with parents")
    STAFF = "staff", _("Staff")


class ImportStatus(models.TextChoices):
    VALIDATED = "validated", _("Checked")
    REJECTED = "rejected", _("Rejected")
    RUNNING = "running", _("Importing")
    APPLIED = "applied", _("Imported")
    FAILED = "failed", _("Failed")


class ImportBatch(ScopedModel):
    """One uploaded file: its check result and, once applied, what it changed.

    Initial passwords of the accounts it created are kept encrypted for the login slips.
    """

    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.VALIDATED)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    school_year = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    credentials_enc = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


# School year: enrollment history, promotions and transfers -------------------------------


class EnrollmentReason(models.TextChoices):
    IMPORTED = "imported", _("Imported from a roster file")
    PROMOTED = "promoted", _("Promoted to the next grade")
    TRANSFERRED_IN = "transferred_in", _("Transferred in")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    GRADUATED = "graduated", _("Graduated")


class Enrollment(ScopedModel):
    """One stretch of a student in a class of a school: the history behind statistics of any year.

    `unit` is the school of that stretch (it stays there when the student transfers away).
    `reason` says why the stretch began, `end_reason` why it ended; an open stretch has no
    `to_date`, and a student has at most one open stretch.
    """

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="enrollments")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="enrollments")
    school_year = models.PositiveSmallIntegerField(_("school year"))
    grade_level = models.SmallIntegerField(_("grade level"))
    from_date = models.DateField(_("from date"))
    to_date = models.DateField(_("to date"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=16, choices=EnrollmentReason.choices)
    end_reason = models.CharField(
        _("end reason"), max_length=16, choices=EnrollmentReason.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # People managers and bureaus: the history kept at the schools of their area (also of students
    # who have since left). Others: the history of the students they may see.
    access = Rule(perm=Perm.VIEW_USERS, related=("student", "roster.Student"))

    class Meta:
        ordering = ["student", "from_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"], condition=models.Q(to_date__isnull=True), name="uniq_open_enrollment"
            ),
        ]
        indexes = [models.Index(fields=["unit_path", "school_year"])]

    def __str__(self) -> str:
        return f"{self.student_id} · {self.school_year} · {self.school_class_id}"


class Promotion(ScopedModel):
    """A school's term promotion of one school year into the next; at most one per year."""

    from_year = models.PositiveSmallIntegerField(_("school year"))
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    promoted_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-from_year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "from_year"], name="uniq_promotion_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.from_year} → {self.from_year + 1}"


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class TransferRequest(ScopedModel):
    """A student's move to another school, decided by the bureau over both schools.

    `unit` is the sending school; `requested_by_school` is the school that asked (sending or
    receiving). Status changes only through `roster.transfers`.
    """

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="transfer_requests")
    from_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_school = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    target_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.REQUESTED
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by_school = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=500, blank=True)

    # People managers and bureaus see the requests of the schools in their area, as the sending or
    # the receiving school. Anyone else: nothing.
    access = Rule(perm=Perm.VIEW_USERS, also_paths=("to_school__path",))

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                condition=models.Q(status="requested"),
                name="uniq_open_transfer_per_student",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} → {self.to_school}"

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "student": self.student.name,
            "from_school": self.unit.name,
            "to_school": self.to_school.name,
            "target_class": str(self.target_class) if self.target_class_id else "",
            "status": self.status,
            "reason": self.reason,
            "decision_note": self.decision_note,
        }
