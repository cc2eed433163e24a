"""Cells and pending deltas of the `fire_devices` roll-up (`fire.rollup`).

Keys: `month` (YYYYMM; 0 for what the register holds now) and the device `type`. Counters:
- `devices`, `failed` (month 0): devices in service, and of those the ones whose last check
  failed with nothing fixed since — both follow every change of a device as deltas;
- `checks`, `checked`, `failures` (month of the check): checks done, devices checked (first check
  of the device that month) and failed checks (each raised one hazard).
Expiry depends on the date alone (no event crosses it), so expired devices are not a counter:
one indexed query over the devices (`fire.queries.expired_by_child`).
"""

from __future__ import annotations

from django.db import models

KEY = ("month", "type")
COUNTERS = ("devices", "failed", "checks", "checked", "failures")


class FireCounters(models.Model):
    month = models.IntegerField()
    type = models.CharField(max_length=24)
    devices = models.IntegerField(default=0)
    failed = models.IntegerField(default=0)
    checks = models.IntegerField(default=0)
    checked = models.IntegerField(default=0)
    failures = models.IntegerField(default=0)

    class Meta:
        abstract = True


class FireDelta(FireCounters):
    """A change not folded yet; counts for the school and its ancestors."""

    unit_id = models.IntegerField()
    unit_path = models.CharField(max_length=255)

    class Meta:
        app_label = "fire"
        indexes = [models.Index(fields=["unit_path"])]

    def __str__(self) -> str:
        return f"fire delta {self.pk}"


class FireCell(FireCounters):
    unit_id = models.IntegerField()

    class Meta:
        app_label = "fire"
        constraints = [models.UniqueConstraint(fields=["unit_id", *KEY], name="uniq_fire_cell")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month} {self.type}"
