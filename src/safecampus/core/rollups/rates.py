"""How rates read off the cells are shown: as fractions in the API, as percentages in tables."""

from __future__ import annotations


def ratio(x: float | None) -> float | None:
    """A rate for the API (6 decimals); None when undefined (nothing to divide by)."""
    return None if x is None else round(x, 6)


def percent(x: float | None) -> float | None:
    """A rate as a percentage with one decimal (tables and spreadsheets)."""
    return None if x is None else round(x * 100, 1)
