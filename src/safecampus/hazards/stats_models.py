"""Hazard statistics: pending deltas and roll-up cells of the `hazards` roll-up (`rollup.py`).

A cell counts the hazards of one unit's subtree by *report month* (YYYYMM), grade, category,
source and current status. `hazards` is how many hazards reported that month are now in that
status (so reported, rejected, closed and open are sums over statuses); the closed rows also
carry `on_spot`, `due` (closed with a deadline) and `on_time` (of those, the rectification
submitted on or before the deadline). `closures` is the one counter keyed by the month of the
*closure* (for the trend of closures per month).

`HazardDelta` rows are written by `hazards.counting.changed` in the same transaction as each
change (`services.report` and `services.act`); the core roll-up engine folds them into
`HazardCell` for the school and every ancestor and deletes them in one transaction.
"""

from __future__ import annotations

from django.db import models

COUNTERS = ["hazards", "on_spot", "due", "on_time", "closures"]
KEY = ["month", "grade", "category", "source", "status"]
CELL_KEY = ["unit_id", *KEY]


# The coarse roll-up (`hazard_totals`): the same counters by report month, grade and status only,
# for the pages that count whole units (hubs, rankings of child units) without reading every
# category and source of every month.
TOTAL_KEY = ["month", "grade", "status"]


class HazardTotalCounters(models.Model):
    """The coarse keys and the counters both roll-ups share."""

    month = models.IntegerField()  # YYYYMM
    grade = models.CharField(max_length=8)
    status = models.CharField(max_length=12)
    hazards = models.IntegerField(default=0)
    on_spot = models.IntegerField(default=0)
    due = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    closures = models.IntegerField(default=0)

    class Meta:
        abstract = True


class HazardCounters(HazardTotalCounters):
    """The fine cells' keys: the coarse ones and the category and source."""

    category = models.CharField(max_length=16)
    source = models.CharField(max_length=20)

    class Meta:
        abstract = True


class HazardDelta(HazardCounters):
    """A change not yet folded into the cells; counts for the school and its ancestors."""

    unit_id = models.IntegerField()
    unit_path = models.CharField(max_length=255)

    class Meta:
        indexes = [models.Index(fields=["unit_path"])]

    def __str__(self) -> str:
        return f"hazard delta {self.pk}"


class HazardCell(HazardCounters):
    unit_id = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=CELL_KEY, name="uniq_hazard_cell")]
        indexes = [models.Index(fields=["unit_id", "month"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month} {self.status}"


class HazardTotalDelta(HazardTotalCounters):
    unit_id = models.IntegerField()
    unit_path = models.CharField(max_length=255)

    class Meta:
        indexes = [models.Index(fields=["unit_path"])]

    def __str__(self) -> str:
        return f"hazard total delta {self.pk}"


class HazardTotalCell(HazardTotalCounters):
    unit_id = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit_id", *TOTAL_KEY], name="uniq_hazard_total_cell")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month} {self.grade} {self.status}"
