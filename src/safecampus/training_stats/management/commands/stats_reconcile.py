"""`safecampus manage stats_reconcile [--rebuild] [--refresh-targets]`: an alias of
`safecampus rollups reconcile training training_targets` (exit 1 on drift; `--rebuild` replaces
the cells by the recount)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from safecampus.core.rollups.alias import ReconcileAlias
from safecampus.training_stats import targets


class Command(ReconcileAlias):
    help = "Recount training statistics from the facts and report drift (exit 1 on drift)."
    rollups = ("training", "training_targets")

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--refresh-targets", action="store_true", help="Recount people first.")

    def before(self, options: dict[str, Any]) -> None:
        if options["refresh_targets"]:
            self.stdout.write(f"targets refreshed for {targets.refresh_all()} units")
