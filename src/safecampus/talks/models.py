"""The 1530 register (1530安全教育记录簿): one `Talk` per class and school day, recorded by the
class's head teacher (or the teacher covering the class), and the due talks (`TalkDue`) that the
daily settlement writes from the school calendar — the roll-up's targets.

A talk is due for a class on a school day: 1 minute before dismissal every day, 5 minutes on the
last school day before a weekend, 30 minutes on the last school day before a holiday (see
`talks.due`). `TalkDue` rows are facts of the `talks` roll-up (due), `Talk` rows count done and
done on the day (see `talks.counting`).
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
    DAILY = "daily", _("Daily talk (1 minute)")
    WEEKEND = "weekend", _("Before the weekend (5 minutes)")
    HOLIDAY = "holiday", _("Before the holiday (30 minutes)")


class Talk(ScopedModel):
    """A 1530 talk given to a class on a day (unique per class and date)."""

    # Bureaus and school staff with the duties view their subtree, head teachers their classes,
    # the recorder (a teacher covering the class) their own records.
    access = Rule(perm=Perm.VIEW_DUTIES, classes="school_class__", own="recorded_by")

    school_class = models.ForeignKey(
        "roster.SchoolClass", verbose_name=_("class"), on_delete=models.PROTECT, related_name="+"
    )
    grade_id = models.IntegerField(default=0, editable=False)
    date = models.DateField(_("date"))
    month = models.IntegerField(editable=False)  # YYYYMM of `date` (the roll-up's key)
    kind = models.CharField(pgettext_lazy("1530 talk", "kind"), max_length=8, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=120)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = models.FileField(upload_to="talks/%Y/%m/", max_length=255, blank=True)
    recorded_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))
    on_day = models.BooleanField(_("recorded on the day"), default=True)
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-date", "school_class_id"]
        verbose_name = _("1530 talk")
        verbose_name_plural = _("1530 talks")
        constraints = [
            models.UniqueConstraint(fields=["school_class", "date"], name="talk_once_per_class_day"),
            models.UniqueConstraint(
                fields=["recorded_by", "client_id"],
                condition=Q(client_id__isnull=False),
                name="talk_client_id_once",
            ),
        ]
        indexes = [models.Index(fields=["unit", "date"]), models.Index(fields=["unit_path", "month"])]

    def __str__(self) -> str:
        return f"1530 {self.school_class_id} {self.date}"


class TalkDue(models.Model):
    """A talk due for a class on a school day (written by `talks.settle`, or when a talk is
    recorded before the day is settled): the roll-up's `due` facts. Internal: read through the
    class or unit a page has resolved."""

    unit_id = models.IntegerField()
    unit_path = models.CharField(max_length=255)
    grade_id = models.IntegerField(default=0)
    class_id = models.IntegerField()
    date = models.DateField()
    month = models.IntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    minutes = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["class_id", "date"], name="talk_due_once_per_class_day")
        ]
        indexes = [
            models.Index(fields=["unit_id", "date"]),
            models.Index(fields=["unit_path", "month"]),
            models.Index(fields=["date"]),
        ]

    def __str__(self) -> str:
        return f"due {self.class_id} {self.date} {self.kind}"


class TalkCounters(models.Model):
    month = models.IntegerField()
    due = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    on_day = models.IntegerField(default=0)

    class Meta:
        abstract = True


class TalkDelta(TalkCounters):
    """A change of the 1530 figures not yet folded into the cells."""

    unit_id = models.IntegerField()
    unit_path = models.CharField(max_length=255)
    grade_id = models.IntegerField(default=0)
    class_id = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["unit_path"])]

    def __str__(self) -> str:
        return f"talk delta {self.pk}"


class TalkCell(TalkCounters):
    """The 1530 figures of a node (a unit; a grade or class at its school) and month."""

    unit_id = models.IntegerField()
    grade_id = models.IntegerField(default=0)
    class_id = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit_id", "grade_id", "class_id", "month"], name="uniq_talk_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.grade_id}/{self.class_id} {self.month}"
