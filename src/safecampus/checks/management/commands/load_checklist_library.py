"""`django-admin load_checklist_library [--unit CODE …]`: load or update the checklist library
(checks/library/*.yaml) as published templates of the provinces (or of the bureaus named)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from safecampus.checks.library import LibraryError, load_library
from safecampus.core.models import Unit


class Command(BaseCommand):
    help = "Load or update the checklist library into the top-level units (or the bureaus named)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--unit", action="append", default=[], help="code of a bureau (repeatable)")

    def handle(self, *args, **options) -> None:
        units = None
        if options["unit"]:
            units = list(Unit.objects.filter(code__in=options["unit"]))
            missing = set(options["unit"]) - {u.code for u in units}
            if missing:
                raise CommandError(f"unknown unit: {', '.join(sorted(missing))}")
        try:
            report = load_library(units)
        except LibraryError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"created {len(report.created)}, updated {len(report.revised)}, unchanged {len(report.unchanged)}"
        )
