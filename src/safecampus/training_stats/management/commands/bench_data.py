"""`safecampus manage bench_data --schools N --students-per-school M`: a synthetic province for
benchmarks (see `safecampus.training_stats.benchdata`). Runs the migrations first; the database must not
hold the benchmark province yet (use a throw-away database, e.g. `--database-url` of
`safecampus bench-data`).

1,000,000 learners: `--schools 1000 --students-per-school 1000` (a few minutes on PostgreSQL).
8,000,000 learners: `--schools 8000 --students-per-school 1000` on PostgreSQL.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Generate a synthetic province (units, roster, campaign, learning facts, statistics)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schools", type=int, default=100, help="number of schools (100)")
        parser.add_argument(
            "--students-per-school", type=int, default=1000, help="students per school (1000)"
        )
        parser.add_argument("--share", type=float, default=0.7, help="share of students who learnt (0.7)")
        parser.add_argument("--accounts-per-school", type=int, default=5,
                            help="students without learning who get a sign-in membership (5)")  # fmt: skip
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--hazards-per-school",
            type=int,
            default=0,
            help="also hazards (with letters and risk points, see demo.benchpages; 0: none)",
        )
        parser.add_argument(
            "--risk-points-per-school", type=int, default=12, help="with --hazards-per-school (12)"
        )
        parser.add_argument(
            "--letters-per-county", type=int, default=10, help="with --hazards-per-school (10)"
        )
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        from safecampus.training_stats.benchdata import Shape, generate

        if opts["schools"] < 1 or opts["students_per_school"] < 1:
            raise CommandError("--schools and --students-per-school must be at least 1")
        call_command("migrate", "--noinput", verbosity=0)
        shape = Shape(opts["schools"], opts["students_per_school"], share=opts["share"],
                      accounts_per_school=opts["accounts_per_school"], seed=opts["seed"])  # fmt: skip
        started = time.perf_counter()
        try:
            province = generate(shape, log=self.stdout.write if not opts["json"] else lambda _m: None)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        pages = {}
        if opts["hazards_per_school"] > 0:
            from safecampus.demo.benchpages import Density, generate_pages_data

            density = Density(opts["hazards_per_school"], opts["risk_points_per_school"],
                              opts["letters_per_county"])  # fmt: skip
            log = self.stdout.write if not opts["json"] else lambda _m: None
            pages = generate_pages_data(province.root, density, seed=opts["seed"], log=log)
        summary = {
            "province": province.root.code,
            "campaign": province.campaign.pk,
            "admin": province.admin.username,
            "schools": province.schools,
            **province.counts,
            **pages,
            "seconds": {**province.seconds, "total": round(time.perf_counter() - started, 1)},
        }
        if opts["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(
                f"bench province {summary['province']}: {summary['schools']:,} schools, "
                f"{summary.get('students', 0):,} students, {summary.get('learners', 0):,} learners, "
                f"campaign {summary['campaign']} (admin {summary['admin']}) "
                f"in {summary['seconds']['total']} s"
            )
