"""`safecampus manage hazard_stats_reconcile [--rebuild]`: an alias of `safecampus rollups
reconcile hazards` (exit 1 on drift; `--rebuild` replaces the cells by the recount)."""

from safecampus.core.rollups.alias import ReconcileAlias


class Command(ReconcileAlias):
    help = "Recount hazard statistics from the hazards and report drift (exit 1 on drift)."
    rollups = ("hazards",)
