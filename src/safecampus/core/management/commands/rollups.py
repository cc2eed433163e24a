"""`safecampus manage rollups list | reconcile [NAME…] | rebuild [NAME…] [--unit CODE]`: the
roll-up engine's commands (`safecampus rollups …` runs the same)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safecampus.core.rollups.commands import run


class Command(BaseCommand):
    help = "List, reconcile or rebuild the registered roll-ups (statistics)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "reconcile", "rebuild"])
        parser.add_argument("names", nargs="*", help="roll-ups (default: every one)")
        parser.add_argument("--unit", help="rebuild only this unit's subtree (unit code)")

    def handle(self, *args: Any, **options: Any) -> None:
        code = run(
            options["action"], options["names"], unit=options["unit"], out=self.stdout, err=self.stderr
        )
        if code:
            raise CommandError("roll-ups drift from their recount" if code == 1 else "usage", returncode=code)
