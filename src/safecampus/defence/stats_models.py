"""Cells and pending deltas of the `three100` roll-up (`defence.rollup`).

One key, `level` (always 0: the indicators now; a key keeps the engine's cell shape). Counters:
the schools with a fact row (`facts`) and those meeting each indicator.
"""

from __future__ import annotations

from django.db import models

KEY = ("level",)
COUNTERS = ("facts", "closed_management", "alarm_networked", "video_networked", "guards_staffed", "all_three")


class Three100Counters(models.Model):
    level = models.IntegerField(default=0)
    facts = models.IntegerField(default=0)
    closed_management = models.IntegerField(default=0)
    alarm_networked = models.IntegerField(default=0)
    video_networked = models.IntegerField(default=0)
    guards_staffed = models.IntegerField(default=0)
    all_three = models.IntegerField(default=0)

    class Meta:
        abstract = True


class Three100Delta(Three100Counters):
    """A change not folded yet; counts for the school and its ancestors."""

    unit_id = models.IntegerField()
    unit_path = models.CharField(max_length=255)

    class Meta:
        app_label = "defence"
        indexes = [models.Index(fields=["unit_path"])]

    def __str__(self) -> str:
        return f"three100 delta {self.pk}"


class Three100Cell(Three100Counters):
    unit_id = models.IntegerField()

    class Meta:
        app_label = "defence"
        constraints = [models.UniqueConstraint(fields=["unit_id", *KEY], name="uniq_three100_cell")]

    def __str__(self) -> str:
        return f"{self.unit_id} three100"
