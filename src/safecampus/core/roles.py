"""Roles, declared once: who they are, where they may be held and what each may do.

A role is held through a membership (user, unit, role). Permissions are plain strings
("org.manage_units"); `has_perm_at` answers whether a user may do something at a unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Bureau roles (province, city, county and their departments)
    BUREAU_ADMIN = "bureau_admin", _("Bureau administrator")
    SAFETY_OFFICER = "safety_officer", _("Safety officer (inspector)")
    LEADER = "leader", _("Bureau leader (read-only)")
    # School roles
    SCHOOL_ADMIN = "school_admin", _("School administrator")
    PRINCIPAL = "principal", _("Principal")
    SAFETY_STAFF = "safety_staff", _("Safety office staff")
    HEAD_TEACHER = "head_teacher", _("Head teacher")
    TEACHER = "teacher", _("Teacher")
    GUARD = "guard", _("Security guard")
    DOCTOR = "doctor", _("School doctor")
    COUNSELLOR = "counsellor", _("Psychological counsellor")
    STAFF = "staff", _("Staff member")
    STUDENT = "student", _("Student")
    PARENT = "parent", _("Parent")


class Perm:
    VIEW_UNITS = "org.view_units"
    MANAGE_UNITS = "org.manage_units"
    EDIT_OWN_UNIT = "org.edit_own_unit"
    VIEW_USERS = "accounts.view_users"
    MANAGE_USERS = "accounts.manage_users"
    VIEW_AUDIT = "audit.view"
    MANAGE_POLICY = "policy.manage"
    MANAGE_TRAINING = "training.manage"  # campaigns, courses, lessons, quizzes
    VIEW_TRAINING = "training.view_progress"  # learners' progress in the unit
    VIEW_RISKS = "risks.view"  # risk points, registers, cards and the four-colour map
    MANAGE_RISKS = "risks.manage"  # identify, grade, confirm and review risk points
    VIEW_HAZARDS = "hazards.view"  # hazard ledger and lists of the unit
    REPORT_HAZARDS = "hazards.report"  # register a hazard found
    MANAGE_HAZARDS = "hazards.manage"  # confirm / reject, assign a rectifier, close on the spot
    RECTIFY_HAZARDS = "hazards.rectify"  # may be named rectifier: start and submit the rectification
    VERIFY_HAZARDS = "hazards.verify"  # verify a general hazard's rectification (not one's own)
    ACCEPT_HAZARDS = "hazards.accept"  # bureau acceptance of a major hazard's rectification
    SUPERVISE_HAZARDS = "hazards.supervise"  # listed supervision, letters, interviews, penalties
    VIEW_CHECKS = "checks.view"  # checklist templates (检查表) and the unit's check records
    DO_CHECKS = "checks.do"  # carry out checks at one's school: answer, upload photos
    MANAGE_CHECK_TEMPLATES = "checks.manage_templates"  # write, copy, publish and retire checklists
    MANAGE_CALENDAR = "calendar.manage"  # 校历: a region's terms and holidays; a school's own and its slots
    VIEW_DUTIES = "duties.view"  # 1530 register, duty rosters, term plans, letters, their statistics
    MANAGE_DUTIES = "duties.manage"  # rosters, rotas, swaps, term plan, letter texts; bureau countersigns
    RECORD_TALKS = "duties.record_talks"  # record a class's 1530 talk (its head teacher, the teacher on duty)
    SIGN_LETTERS = "duties.sign_letters"  # sign one's own post's responsibility letter (安全工作责任书)
    HOST_VISITS = "gate.host_visits"  # pre-register visitors one hosts, approve their bookings
    VIEW_GATE = "gate.view"  # the school's gate log: visits, pupils' exit passes and pickups
    WORK_GATE = "gate.work"  # at the gate: look up passes, walk-ins, check in/out, verify pickups
    MANAGE_WATCHLIST = "gate.watchlist"  # the school's watch list (people barred by court order)
    VIEW_SECURITY = "security.view"  # guards, staffing, defence equipment and the three-100% board
    MANAGE_SECURITY = "security.manage"  # the school's guards, equipment, tests, closed management
    SEND_NOTICES = "notices.send"  # write and publish notices and warnings to one's subtree
    VIEW_NOTICE_REACH = "notices.view_reach"  # reach of the subtree's notices (rates and counts)
    MANAGE_WEBHOOKS = "webhooks.manage"  # outgoing webhook endpoints for the subtree's events


BUREAU = "bureau"
SCHOOL = "school"


@dataclass(frozen=True)
class RoleSpec:
    role: Role
    level: str  # BUREAU or SCHOOL: where the role may be held
    rank: int  # a manager may grant roles of equal or lower rank only
    perms: frozenset[str]


_ALL_VIEW = {Perm.VIEW_UNITS}
# Staff read their school's risks and their post's card, report hazards and may be named rectifier.
_STAFF_VIEW = {
    Perm.VIEW_UNITS,
    Perm.VIEW_RISKS,
    Perm.VIEW_HAZARDS,
    Perm.REPORT_HAZARDS,
    Perm.RECTIFY_HAZARDS,
    Perm.VIEW_CHECKS,
    Perm.DO_CHECKS,
    Perm.RECORD_TALKS,
    Perm.SIGN_LETTERS,
    Perm.HOST_VISITS,
}
_SCHOOL_HAZARDS = {*_STAFF_VIEW, Perm.MANAGE_HAZARDS, Perm.VERIFY_HAZARDS}
_BUREAU_HAZARDS = {Perm.VIEW_HAZARDS, Perm.REPORT_HAZARDS, Perm.ACCEPT_HAZARDS, Perm.SUPERVISE_HAZARDS}
_TRAINING = {Perm.MANAGE_TRAINING, Perm.VIEW_TRAINING}
_RISKS = {Perm.VIEW_RISKS, Perm.MANAGE_RISKS}
_CHECKLISTS = {Perm.VIEW_CHECKS, Perm.MANAGE_CHECK_TEMPLATES}  # school and bureau managers
_DUTIES = {Perm.VIEW_DUTIES, Perm.MANAGE_DUTIES}  # school and bureau managers
_GATE = {Perm.VIEW_GATE, Perm.WORK_GATE}  # the school's gate (not bureaus: visitors' personal data)
_SECURITY = {Perm.VIEW_SECURITY, Perm.MANAGE_SECURITY}  # school managers
_NOTICES = {Perm.SEND_NOTICES, Perm.VIEW_NOTICE_REACH}  # bureau and school managers
_MANAGER = {
    Perm.VIEW_SECURITY,
    *_NOTICES,
    *_TRAINING,
    *_CHECKLISTS,
    *_DUTIES,
    *_BUREAU_HAZARDS,
    Perm.VIEW_RISKS,
    Perm.VIEW_UNITS,
    Perm.MANAGE_UNITS,
    Perm.EDIT_OWN_UNIT,
    Perm.VIEW_USERS,
    Perm.MANAGE_USERS,
    Perm.VIEW_AUDIT,
}

ROLE_SPECS: dict[str, RoleSpec] = {
    spec.role.value: spec
    for spec in [
        RoleSpec(
            Role.BUREAU_ADMIN,
            BUREAU,
            100,
            frozenset(_MANAGER | {Perm.MANAGE_POLICY, Perm.MANAGE_CALENDAR, Perm.MANAGE_WEBHOOKS}),
        ),
        RoleSpec(Role.SAFETY_OFFICER, BUREAU, 90, frozenset(_MANAGER)),
        RoleSpec(
            Role.LEADER,
            BUREAU,
            80,
            frozenset(
                {
                    Perm.VIEW_UNITS,
                    Perm.VIEW_USERS,
                    Perm.VIEW_AUDIT,
                    Perm.VIEW_TRAINING,
                    Perm.VIEW_RISKS,
                    Perm.VIEW_HAZARDS,
                    Perm.VIEW_CHECKS,
                    Perm.VIEW_DUTIES,
                    Perm.VIEW_SECURITY,
                    Perm.VIEW_NOTICE_REACH,
                }
            ),
        ),
        RoleSpec(
            Role.SCHOOL_ADMIN,
            SCHOOL,
            60,
            frozenset(
                {
                    *_TRAINING,
                    *_RISKS,
                    *_SCHOOL_HAZARDS,
                    *_CHECKLISTS,
                    *_DUTIES,
                    *_GATE,
                    *_SECURITY,
                    *_NOTICES,
                    Perm.MANAGE_WATCHLIST,
                    Perm.VIEW_UNITS,
                    Perm.EDIT_OWN_UNIT,
                    Perm.VIEW_USERS,
                    Perm.MANAGE_USERS,
                    Perm.VIEW_AUDIT,
                    Perm.MANAGE_CALENDAR,
                }
            ),
        ),
        RoleSpec(
            Role.PRINCIPAL,
            SCHOOL,
            60,
            frozenset(
                {
                    *_TRAINING,
                    *_RISKS,
                    *_SCHOOL_HAZARDS,
                    *_CHECKLISTS,
                    *_DUTIES,
                    *_GATE,
                    *_SECURITY,
                    *_NOTICES,
                    Perm.MANAGE_WATCHLIST,
                    Perm.VIEW_UNITS,
                    Perm.EDIT_OWN_UNIT,
                    Perm.VIEW_USERS,
                    Perm.MANAGE_USERS,
                    Perm.VIEW_AUDIT,
                    Perm.MANAGE_CALENDAR,
                }
            ),
        ),
        RoleSpec(
            Role.SAFETY_STAFF,
            SCHOOL,
            40,
            frozenset(
                {
                    *_TRAINING,
                    *_RISKS,
                    *_SCHOOL_HAZARDS,
                    *_CHECKLISTS,
                    *_DUTIES,
                    *_GATE,
                    *_SECURITY,
                    *_NOTICES,
                    Perm.VIEW_UNITS,
                    Perm.VIEW_USERS,
                    Perm.MANAGE_CALENDAR,
                }
            ),
        ),
        RoleSpec(Role.HEAD_TEACHER, SCHOOL, 30, frozenset(_STAFF_VIEW)),
        RoleSpec(Role.TEACHER, SCHOOL, 20, frozenset(_STAFF_VIEW)),
        RoleSpec(Role.GUARD, SCHOOL, 10, frozenset(_STAFF_VIEW | _GATE)),
        RoleSpec(Role.DOCTOR, SCHOOL, 20, frozenset(_STAFF_VIEW)),
        RoleSpec(Role.COUNSELLOR, SCHOOL, 20, frozenset(_STAFF_VIEW)),
        RoleSpec(Role.STAFF, SCHOOL, 10, frozenset(_STAFF_VIEW)),  # free posts: 宿管, 食堂, …
        RoleSpec(Role.STUDENT, SCHOOL, 0, frozenset(_ALL_VIEW)),
        RoleSpec(Role.PARENT, SCHOOL, 0, frozenset(_ALL_VIEW)),
    ]
}


def role_spec(role: str) -> RoleSpec:
    return ROLE_SPECS[role]


def role_allows(role: str, perm: str) -> bool:
    spec = ROLE_SPECS.get(role)
    return bool(spec and perm in spec.perms)


def bureau_roles() -> list[str]:
    return [r for r, s in ROLE_SPECS.items() if s.level == BUREAU]


def school_roles() -> list[str]:
    return [r for r, s in ROLE_SPECS.items() if s.level == SCHOOL]
