"""Cells and deltas of the `letters` roll-up (see `responsibility.counting`).

One cell per unit (the school and every ancestor) and school year; the deltas are the changes
not folded yet.
"""

from __future__ import annotations

from django.db import models

KEY = ("school_year",)
COUNTERS = ("required", "signed")


class LetterCounters(models.Model):
    school_year = models.IntegerField()
    required = models.IntegerField(default=0)
    signed = models.IntegerField(default=0)

    class Meta:
        abstract = True


class LetterDelta(LetterCounters):
    """A change of the letters' figures not yet folded into the cells."""

    unit_id = models.IntegerField()
    unit_path = models.CharField(max_length=255)

    class Meta:
        app_label = "responsibility"
        indexes = [models.Index(fields=["unit_path"])]

    def __str__(self) -> str:
        return f"letter delta {self.pk}"


class LetterCell(LetterCounters):
    unit_id = models.IntegerField()

    class Meta:
        app_label = "responsibility"
        constraints = [models.UniqueConstraint(fields=["unit_id", *KEY], name="uniq_letter_cell")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.school_year}"
