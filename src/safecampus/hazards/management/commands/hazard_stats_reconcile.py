"""`safecampus manage hazard_stats_reconcile [--rebuild]`: recount the hazard statistics from the
hazards and report any drift (exit 1 when there is some and it was not rebuilt)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safecampus.hazards import recount


class Command(BaseCommand):
    help = "Recount hazard statistics from the hazards and report drift (exit 1 on drift)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Replace the cells by the recount.")

    def handle(self, *args: Any, **options: Any) -> None:
        drift = recount.reconcile()
        self.stdout.write(json.dumps(drift.as_dict(), ensure_ascii=False, indent=2))
        if options["rebuild"]:
            recount.rebuild()
            self.stdout.write("hazard cells rebuilt from the hazards")
        if not drift.clean and not options["rebuild"]:
            raise CommandError("hazard statistics drift from the hazards")
