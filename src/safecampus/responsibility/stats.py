"""Letter statistics read from the `letters` roll-up (definitions: `responsibility.counting`).

`read(units, year)` answers `{unit id: Totals}` for each unit's subtree in a school year — cells
plus pending deltas, one statement for all the units asked (a county's schools are one read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from safecampus.core.rollups import ratio

from .counting import LETTERS


@dataclass
class Totals:
    required: int = 0
    signed: int = 0

    @property
    def rate(self) -> float | None:
        """Signed ÷ required; None when no post needs a letter."""
        return self.signed / self.required if self.required else None

    @property
    def unsigned(self) -> int:
        return self.required - self.signed

    def as_dict(self) -> dict[str, Any]:
        return {"required": self.required, "signed": self.signed, "rate": ratio(self.rate)}


def read(units: Sequence[Any], year: int) -> dict[int, Totals]:
    out = {u.pk: Totals() for u in units}
    if not units:
        return out
    found = LETTERS.read(
        [(u.pk, 0, 0) for u in units], {u.pk: u.path for u in units}, where={"school_year": year}
    )
    for (unit_id, *_rest), sums in found.items():
        t = out[unit_id]
        t.required += int(sums.get("required") or 0)
        t.signed += int(sums.get("signed") or 0)
    return out


def read_one(unit: Any, year: int) -> Totals:
    return read([unit], year)[unit.pk]
