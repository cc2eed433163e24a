"""`safecampus manage stats_reconcile [--rebuild] [--refresh-targets]`: recount the training
statistics from the facts and report any drift (exit 1 when there is some)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safecampus.stats import recount, targets


class Command(BaseCommand):
    help = "Recount training statistics from the facts and report drift (exit 1 on drift)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--refresh-targets", action="store_true", help="Recount people first.")
        parser.add_argument("--rebuild", action="store_true", help="Replace the cells by the recount.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["refresh_targets"]:
            self.stdout.write(f"targets refreshed for {targets.refresh_all()} units")
        drift = recount.reconcile()
        self.stdout.write(json.dumps(drift.as_dict(), ensure_ascii=False, indent=2))
        if options["rebuild"]:
            recount.rebuild()
            self.stdout.write("cells rebuilt from the facts")
        if not drift.clean and not options["rebuild"]:
            raise CommandError("statistics drift from the facts")
