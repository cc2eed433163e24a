"""Reading the register, always scoped: a unit's items, one item, one test."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from safecampus.core.models import Unit
from safecampus.core.scoping import get_visible_or_404

from .models import Equipment, EquipmentTest, State


def items_in(user: Any, unit: Unit) -> QuerySet:
    """The items in service of `unit`'s subtree that the user may read."""
    return Equipment.objects.visible_to(user).filter(unit_path__startswith=unit.path, state=State.IN_SERVICE)


def get_item_for(user: Any, item_id: Any) -> Equipment:
    """404 alike for missing and for not yours."""
    return get_visible_or_404(Equipment.objects.select_related("unit"), user, pk=item_id)


def get_test_for(user: Any, test_id: Any) -> EquipmentTest:
    return get_visible_or_404(EquipmentTest.objects.select_related("equipment", "unit"), user, pk=test_id)
