"""`safecampus rollups list | reconcile [NAME…] | rebuild [NAME…] [--unit CODE]` (the contract
bars and operators use; also `safecampus manage rollups …`).

- list: one line per registered roll-up: `name<TAB>cell table<TAB>counter columns`;
- reconcile: exit 0 when every figure equals its recount; 1, with a line naming each drifting
  roll-up and its units (`name<TAB>DRIFT<TAB>unit codes<TAB>…`);
- rebuild: the cells from the facts (of a unit's subtree with `--unit`); reconcile is clean after.
Unknown names or units: exit 2.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from safecampus.core.models import Unit

from .declare import Rollup, get, registered

USAGE = 2


def _chosen(names: Sequence[str], err: TextIO) -> list[Rollup] | None:
    try:
        return [get(n) for n in names] if names else registered()
    except KeyError:
        known = ", ".join(r.name for r in registered())
        err.write(f"error: unknown roll-up among {', '.join(names)} (registered: {known})\n")
        return None


def list_rollups(out: TextIO) -> int:
    for r in registered():
        out.write(f"{r.name}\t{r.cell._meta.db_table}\t{','.join(r.counters)}\n")
    return 0


def reconcile(names: Sequence[str], out: TextIO, err: TextIO) -> int:
    rollups = _chosen(names, err)
    if rollups is None:
        return USAGE
    drifting = 0
    for r in rollups:
        drift = r.reconcile()
        if drift.clean:
            out.write(f"{r.name}\tok\n")
            continue
        drifting += 1
        codes = ", ".join(drift.unit_codes())
        out.write(
            f"{r.name}\tDRIFT\t{codes}\tcells missing {drift.cells_missing}, extra {drift.cells_extra}"
            f"{', derived facts ' + str(len(drift.facts_units)) if drift.facts_units else ''}\n"
        )
        for sample in drift.samples[:5]:
            out.write(f"  {sample}\n")
    return 1 if drifting else 0


def rebuild(names: Sequence[str], unit_code: str | None, out: TextIO, err: TextIO) -> int:
    rollups = _chosen(names, err)
    if rollups is None:
        return USAGE
    unit = None
    if unit_code:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            err.write(f"error: no unit with code {unit_code!r}\n")
            return USAGE
    for r in rollups:
        r.rebuild(unit, refresh=True)
        out.write(f"{r.name}\trebuilt\t{unit.code if unit else 'all units'}\n")
    return 0


def run(action: str, names: Sequence[str] = (), *, unit: str | None = None,
        out: TextIO | None = None, err: TextIO | None = None) -> int:  # fmt: skip
    out, err = out or sys.stdout, err or sys.stderr
    if action == "list":
        return list_rollups(out)
    if action == "reconcile":
        return reconcile(names, out, err)
    if action == "rebuild":
        return rebuild(names, unit, out, err)
    err.write(f"error: unknown action {action!r} (list, reconcile, rebuild)\n")
    return USAGE
