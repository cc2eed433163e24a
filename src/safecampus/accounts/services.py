"""User and membership management: create, reset passwords, assign and revoke roles."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit, crypto
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.models import Membership, Unit
from safecampus.core.roles import BUREAU, ROLE_SPECS, Perm, Role
from safecampus.core.scoping import best_rank_at, require
from safecampus.core.signals import membership_ended, user_deactivated
from safecampus.core.validators import is_mobile, normalise, normalise_mobile, parse_id_card

from .auth import generate_initial_password
from .models import User

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")


def _check_role_for_unit(actor: Any, unit: Unit, role: str) -> None:
    """The actor manages users at `unit` and the role is not above the actor's own."""
    require(actor, Perm.MANAGE_USERS, unit)
    spec = ROLE_SPECS.get(role)
    if spec is None:
        raise Invalid(_("Unknown role."), field="role")
    if (spec.level == BUREAU) != unit.is_bureau:
        raise Invalid(
            _("The role %(role)s cannot be held at this unit.") % {"role": Role(role).label}, field="role"
        )
    if spec.rank > best_rank_at(actor, Perm.MANAGE_USERS, unit):
        raise Invalid(_("You cannot grant a role above your own."), field="role")
    if not unit.is_active:
        raise Invalid(_("Roles cannot be granted at an inactive unit."), field="unit")


def can_manage_user(actor: Any, target: User) -> bool:
    """Every role the target holds is at a unit the actor manages, with rank not above the actor's."""
    if getattr(actor, "is_superuser", False):
        return True
    if actor.pk == target.pk:
        return False
    memberships = list(target.memberships.filter(is_active=True).select_related("unit"))
    if not memberships:
        memberships = list(target.memberships.select_related("unit"))
    return bool(memberships) and all(
        best_rank_at(actor, Perm.MANAGE_USERS, m.unit) >= m.rank for m in memberships
    )


def _require_manage(actor: Any, target: User) -> None:
    if not can_manage_user(actor, target):
        raise PermissionDenied("accounts.manage_user")


def _clean_person(username: str, name: str, phone: str, id_card: str, *, exclude: int | None = None):
    username = normalise(username)
    if not USERNAME_RE.match(username):
        raise Invalid(
            _("The username needs 3–64 letters, digits, dots, hyphens or underscores."), field="username"
        )
    if User.objects.filter(username__iexact=username).exclude(pk=exclude).exists():
        raise Invalid(_("The username %(u)s is already taken.") % {"u": username}, field="username")
    name = " ".join(str(name or "").split())
    if not name or len(name) > 60:
        raise Invalid(_("Please enter the person's real name (at most 60 characters)."), field="name")
    phone = normalise_mobile(phone)
    if phone:
        if not is_mobile(phone):
            raise Invalid(_("Please enter a valid mainland mobile number (11 digits)."), field="phone")
        if User.objects.filter(phone_hash=crypto.lookup_hash(phone)).exclude(pk=exclude).exists():
            raise Invalid(_("This mobile number belongs to another account."), field="phone")
    id_card = normalise(id_card).upper()
    if id_card and parse_id_card(id_card) is None:
        raise Invalid(_("The ID-card number is not valid (GB 11643 checksum)."), field="id_card")
    return username, name, phone, id_card


@transaction.atomic
def create_user(
    *,
    actor: Any,
    unit: Unit,
    role: str,
    username: str,
    name: str,
    phone: str = "",
    id_card: str = "",
    password: str | None = None,
) -> tuple[User, str]:
    """Create a real-name user with a first role. Returns (user, initial password)."""
    _check_role_for_unit(actor, unit, role)
    username, name, phone, id_card = _clean_person(username, name, phone, id_card)
    initial = password or generate_initial_password()
    user = User(username=username, name=name, must_change_password=password is None)
    if phone:
        user.phone = phone
    if id_card:
        user.id_card = id_card
    user.set_password(initial)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Conflict(_("This username or mobile number was just taken; please check.")) from None
    membership = Membership.objects.create(user=user, unit=unit, role=role)
    audit.record(actor, "user.created", user, unit=unit, after={**user.audit_snapshot(), "role": role})
    audit.record(actor, "role.assigned", membership, unit=unit, after=_membership_snapshot(membership))
    return user, initial


@transaction.atomic
def update_user(target: User, *, actor: Any, name: str, phone: str, id_card: str | None = None) -> User:
    _require_manage(actor, target)
    target = User.objects.select_for_update().get(pk=target.pk)
    _, name, phone, id_card_clean = _clean_person(
        target.username, name, phone, id_card if id_card is not None else "", exclude=target.pk
    )
    before = target.audit_snapshot()
    target.name = name
    target.phone = phone
    if id_card is not None and id_card_clean:
        target.id_card = id_card_clean
    target.save()
    audit.record(
        actor, "user.updated", target, unit=_first_unit(target), before=before, after=target.audit_snapshot()
    )
    return target


def _first_unit(user: User) -> Unit | None:
    m = user.memberships.select_related("unit").order_by("-is_active", "id").first()
    return m.unit if m else None


def _membership_snapshot(m: Membership) -> dict[str, Any]:
    return {"user": m.user.username, "unit": m.unit.code, "role": m.role, "is_active": m.is_active}


@transaction.atomic
def reset_password(target: User, *, actor: Any) -> str:
    """Set a new random initial password; the user must change it at next login."""
    _require_manage(actor, target)
    initial = generate_initial_password()
    target.set_password(initial)
    target.must_change_password = True
    target.save(update_fields=["password", "must_change_password"])
    target.api_tokens.update(revoked=True)
    audit.record(actor, "user.password_reset", target, unit=_first_unit(target))
    return initial


@transaction.atomic
def set_user_active(target: User, active: bool, *, actor: Any) -> User:
    _require_manage(actor, target)
    if target.is_active == active:
        return target
    before = target.audit_snapshot()
    target.is_active = active
    target.save(update_fields=["is_active"])
    if not active:
        target.api_tokens.update(revoked=True)
    audit.record(
        actor,
        "user.activated" if active else "user.deactivated",
        target,
        unit=_first_unit(target),
        before=before,
        after=target.audit_snapshot(),
    )
    if not active:
        user_deactivated.send(sender=User, user=target, actor=actor)
    return target


@transaction.atomic
def assign_role(target: User, *, actor: Any, unit: Unit, role: str) -> Membership:
    _check_role_for_unit(actor, unit, role)
    if not User.objects.visible_to(actor).filter(pk=target.pk).exists():
        raise PermissionDenied("accounts.view_user")
    if Membership.objects.filter(user=target, unit=unit, role=role, is_active=True).exists():
        raise Invalid(_("This person already holds that role at this unit."), field="role")
    membership = Membership.objects.create(user=target, unit=unit, role=role)
    audit.record(actor, "role.assigned", membership, unit=unit, after=_membership_snapshot(membership))
    return membership


@transaction.atomic
def revoke_role(membership: Membership, *, actor: Any) -> Membership:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("unit", "user")
        .get(pk=membership.pk)
    )
    require(actor, Perm.MANAGE_USERS, membership.unit)
    if best_rank_at(actor, Perm.MANAGE_USERS, membership.unit) < membership.rank:
        raise Invalid(_("You cannot revoke a role above your own."))
    if membership.user_id == getattr(actor, "pk", None):
        raise Invalid(_("You cannot revoke your own role; ask an administrator above you."))
    if not membership.is_active:
        raise Conflict(_("This role has already been revoked."))
    before = _membership_snapshot(membership)
    membership.is_active = False
    membership.revoked_at = timezone.now()
    membership.save(update_fields=["is_active", "revoked_at"])
    audit.record(
        actor,
        "role.revoked",
        membership,
        unit=membership.unit,
        before=before,
        after=_membership_snapshot(membership),
    )
    membership_ended.send(sender=Membership, membership=membership, actor=actor)
    return membership


def assignable_roles(actor: Any, unit: Unit) -> list[tuple[str, str]]:
    """Roles the actor may grant at `unit`, for forms."""
    rank = best_rank_at(actor, Perm.MANAGE_USERS, unit)
    return [
        (value, label)
        for value, label in Role.choices
        if ROLE_SPECS[value].rank <= rank and (ROLE_SPECS[value].level == BUREAU) == unit.is_bureau
    ]
