"""Who does what in the defence register: the school's managers (principal, school
administrators, safety office) keep the register, record tests and confirm closed management
(MANAGE_SECURITY); bureaus read their area's register and the three-100% board (VIEW_SECURITY)."""

from __future__ import annotations

from safecampus.core.roles import Perm

VIEW = Perm.VIEW_SECURITY
MANAGE = Perm.MANAGE_SECURITY
