"""The older per-module reconcile commands (`stats_reconcile`, `hazard_stats_reconcile`), kept as
aliases of `safecampus rollups reconcile` / `rebuild` for their roll-ups."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from .declare import get
from .recount import Reconciliation


class ReconcileAlias(BaseCommand):
    """Recount `rollups` from their facts and print the drift as JSON (exit 1 on drift, unless
    `--rebuild` replaces the cells by the recount)."""

    rollups: tuple[str, ...] = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Replace the cells by the recount.")

    def before(self, options: dict[str, Any]) -> None:
        """What the alias did first (e.g. refresh derived facts)."""

    def handle(self, *args: Any, **options: Any) -> None:
        self.before(options)
        drifts = Reconciliation([get(name).reconcile() for name in self.rollups])
        report = drifts.drifts[0].as_dict() if len(drifts.drifts) == 1 else drifts.as_dict()
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        if options["rebuild"]:
            for name in self.rollups:
                get(name).rebuild()
            self.stdout.write("cells rebuilt from the facts")
        elif not drifts.clean:
            drifting = ", ".join(d.rollup for d in drifts.drifts if not d.clean)
            raise CommandError(f"statistics drift from the facts: {drifting}")
