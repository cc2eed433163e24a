"""When a unit moves, its hazards' ancestors change: rebuild the hazard cells after the commit."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from safecampus.core.models import Unit
from safecampus.core.signals import unit_moved


@receiver(unit_moved)
def _unit_moved(sender: Any, unit: Unit, old_path: str, **kwargs: Any) -> None:
    from safecampus.stats import signals

    from .tasks import hazard_stats_rebuild

    signals.after_commit(hazard_stats_rebuild)
