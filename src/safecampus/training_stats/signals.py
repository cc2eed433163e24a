"""Keeping targets current as the roster changes (a unit move is the roll-up engine's).

Model signals (students, memberships, users, units) and the bulk-change signal of the roster
services collect the units touched by a transaction; one refresh per unit runs after commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from safecampus.core.models import Membership, Unit
from safecampus.core.rollups.jobs import after_commit
from safecampus.core.signals import people_changed
from safecampus.roster.models import Student

__all__ = ["after_commit", "schedule_targets"]


class _Batch:
    def __init__(self) -> None:
        self.ids: set[int] = set()

    def run(self) -> None:
        from .tasks import refresh_targets

        ids, self.ids = sorted(self.ids), set()
        if ids:
            refresh_targets(ids)


def schedule_targets(unit_ids: Iterable[int]) -> None:
    """Refresh these units' targets once the current transaction commits (once per unit)."""
    ids = {pk for pk in unit_ids if pk}
    if not ids:
        return
    conn = transaction.get_connection()
    batch = getattr(conn, "_stats_targets", None)
    if batch is not None and any(entry[1] == batch.run for entry in conn.run_on_commit):
        batch.ids |= ids
        return
    batch = _Batch()
    batch.ids = ids
    conn._stats_targets = batch
    after_commit(batch.run)


@receiver(pre_save, sender=Student)
def _student_before(sender: Any, instance: Student, **kwargs: Any) -> None:
    instance._stats_old_unit = (
        Student.objects.filter(pk=instance.pk).values_list("unit_id", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Student)
@receiver(post_delete, sender=Student)
def _student_changed(sender: Any, instance: Student, **kwargs: Any) -> None:
    schedule_targets([instance.unit_id, getattr(instance, "_stats_old_unit", None)])


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def _membership_changed(sender: Any, instance: Membership, **kwargs: Any) -> None:
    schedule_targets([instance.unit_id])


@receiver(pre_save, sender=get_user_model())
def _user_before(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk:
        was = sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
        if was is not None and was != instance.is_active:
            schedule_targets(Membership.objects.filter(user_id=instance.pk).values_list("unit_id", flat=True))


@receiver(post_save, sender=Unit)
def _unit_saved(sender: Any, instance: Unit, created: bool, **kwargs: Any) -> None:
    if not created:
        schedule_targets([instance.pk])


@receiver(people_changed)
def _people_changed(sender: Any, unit_ids: Iterable[int], **kwargs: Any) -> None:
    schedule_targets(unit_ids)
