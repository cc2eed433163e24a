"""Who does what in the fire-equipment register, in the platform's existing permissions:
the school's safety office, school administrators and the principal keep the register (those who
manage the school's risks); every staff member who may report a hazard — guards, safety staff,
teachers — may check a device (a failed check is reported as a hazard); whoever reads the school's
hazards reads its register (a bureau its area's)."""

from __future__ import annotations

from safecampus.core.roles import Perm

VIEW = Perm.VIEW_HAZARDS
MANAGE = Perm.MANAGE_RISKS
CHECK = Perm.REPORT_HAZARDS
