"""Cells and deltas of the `termplans` roll-up (see `termplan.counting` for what they count).

One cell per unit (the school and every ancestor) and term key (academic year × 10 + 1 for the
autumn term, + 2 for the spring term); the deltas are the changes not folded yet.
"""

from __future__ import annotations

from django.db import models

KEY = ("term_key",)
COUNTERS = ("plans", "published", "items", "done", "summarised")


class TermPlanCounters(models.Model):
    term_key = models.IntegerField()
    plans = models.IntegerField(default=0)
    published = models.IntegerField(default=0)
    items = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    summarised = models.IntegerField(default=0)

    class Meta:
        abstract = True


class TermPlanDelta(TermPlanCounters):
    """A change of the term plans' figures not yet folded into the cells."""

    unit_id = models.IntegerField()
    unit_path = models.CharField(max_length=255)

    class Meta:
        app_label = "termplan"
        indexes = [models.Index(fields=["unit_path"])]

    def __str__(self) -> str:
        return f"term plan delta {self.pk}"


class TermPlanCell(TermPlanCounters):
    unit_id = models.IntegerField()

    class Meta:
        app_label = "termplan"
        constraints = [models.UniqueConstraint(fields=["unit_id", *KEY], name="uniq_termplan_cell")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.term_key}"
