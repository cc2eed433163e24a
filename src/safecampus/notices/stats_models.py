"""Cells and pending deltas of the `notice_reach` roll-up (`notices.rollup`): per node (a unit and
every ancestor; a grade and a class at its school) and notice, the receipts read and confirmed."""

from __future__ import annotations

from django.db import models

KEY = ("notice_id",)
COUNTERS = ("read", "confirmed")


class ReachCounters(models.Model):
    notice_id = models.IntegerField()
    read = models.IntegerField(default=0)
    confirmed = models.IntegerField(default=0)

    class Meta:
        abstract = True


class ReachDelta(ReachCounters):
    """A change of a notice's reach not folded yet."""

    unit_id = models.IntegerField()
    unit_path = models.CharField(max_length=255)
    grade_id = models.IntegerField(default=0)
    class_id = models.IntegerField(default=0)

    class Meta:
        app_label = "notices"
        indexes = [models.Index(fields=["unit_path"])]

    def __str__(self) -> str:
        return f"reach delta {self.pk}"


class ReachCell(ReachCounters):
    """Receipts read and confirmed of one notice at one node."""

    unit_id = models.IntegerField()
    grade_id = models.IntegerField(default=0)
    class_id = models.IntegerField(default=0)

    class Meta:
        app_label = "notices"
        constraints = [
            models.UniqueConstraint(
                fields=["unit_id", "grade_id", "class_id", "notice_id"], name="uniq_reach_cell"
            )
        ]
        indexes = [models.Index(fields=["notice_id", "unit_id"])]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.grade_id}/{self.class_id} notice {self.notice_id}"
