"""Cells and deltas of the `inspections` roll-up (see `checks.counting` for what they count).

One cell per unit (the school and every ancestor) and month (YYYYMM of the task's due time,
Asia/Shanghai); the deltas are the changes not folded yet.
"""

from __future__ import annotations

from django.db import models

KEY = ("month",)
COUNTERS = ("due", "done", "on_time", "missed", "failed_items", "hazards_raised")


class InspectionCounters(models.Model):
    month = models.IntegerField()  # YYYYMM of the task's due time (local)
    due = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    missed = models.IntegerField(default=0)
    failed_items = models.IntegerField(default=0)
    hazards_raised = models.IntegerField(default=0)

    class Meta:
        abstract = True


class InspectionDelta(InspectionCounters):
    """A change of a check task's figures not yet folded into the cells."""

    unit_id = models.IntegerField()
    unit_path = models.CharField(max_length=255)

    class Meta:
        app_label = "checks"
        indexes = [models.Index(fields=["unit_path"])]

    def __str__(self) -> str:
        return f"inspection delta {self.pk}"


class InspectionCell(InspectionCounters):
    unit_id = models.IntegerField()

    class Meta:
        app_label = "checks"
        constraints = [models.UniqueConstraint(fields=["unit_id", *KEY], name="uniq_inspection_cell")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month}"
