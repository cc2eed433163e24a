"""Check statistics read from the `inspections` roll-up (definitions: `checks.counting`).

`read(units, month_from, month_to)` answers `{unit id: Totals}` for each unit's subtree within
the months (YYYYMM, inclusive; None: open) — cells plus pending deltas, one statement for all
the units asked (a county's schools are one grouped read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from safecampus.core.rollups import ratio

from .counting import INSPECTIONS
from .stats_models import COUNTERS


@dataclass
class Totals:
    due: int = 0
    done: int = 0
    on_time: int = 0
    missed: int = 0
    failed_items: int = 0
    hazards_raised: int = 0

    @property
    def completion_rate(self) -> float | None:
        """Done ÷ due; None when nothing was due."""
        return self.done / self.due if self.due else None

    @property
    def on_time_rate(self) -> float | None:
        """Done on time ÷ due; None when nothing was due."""
        return self.on_time / self.due if self.due else None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = asdict(self)
        out["completion_rate"] = ratio(self.completion_rate)
        out["on_time_rate"] = ratio(self.on_time_rate)
        return out


def read(
    units: Sequence[Any], month_from: int | None = None, month_to: int | None = None
) -> dict[int, Totals]:
    """{unit id: Totals} of each unit's subtree within the months (every unit asked is present)."""
    out = {u.pk: Totals() for u in units}
    if not units:
        return out
    found = INSPECTIONS.read(
        [(u.pk, 0, 0) for u in units], {u.pk: u.path for u in units}, ranges={"month": (month_from, month_to)}
    )
    for (unit_id, *_rest), sums in found.items():
        t = out[unit_id]
        for k in COUNTERS:
            setattr(t, k, getattr(t, k) + int(sums.get(k) or 0))
    return out


def read_one(unit: Any, month_from: int | None = None, month_to: int | None = None) -> Totals:
    return read([unit], month_from, month_to)[unit.pk]
