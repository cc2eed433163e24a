"""Who may do what with patrols, in the platform's existing permissions (no new core roles):
the school's staff and its bureaus read rounds; a school's staff (guards first) scan and
observe; the school's safety office, principal and admin manage routes."""

from __future__ import annotations

from safecampus.core.roles import Perm

VIEW = Perm.VIEW_HAZARDS  # rounds, routes, history: the school's staff and its bureaus
SCAN = Perm.REPORT_HAZARDS  # scan checkpoints and report what was observed (held at a school)
MANAGE = Perm.MANAGE_HAZARDS  # routes, checkpoints, windows, QR labels: safety office, principal, admin
