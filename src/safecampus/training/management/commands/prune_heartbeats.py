"""`safecampus manage prune_heartbeats`: what the nightly job does, on demand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safecampus.training.pruning import prune_heartbeats


class Command(BaseCommand):
    help = (
        "Fold credited heartbeats older than the policy's training.heartbeat_keep_days into their "
        "lessons' progress and delete them (the nightly job does the same)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="at most this many learners")

    def handle(self, *args: Any, **options: Any) -> None:
        result = prune_heartbeats(limit=options["limit"])
        self.stdout.write(f"pruned {result.beats} heartbeats of {result.learners} learners")
