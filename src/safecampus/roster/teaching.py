"""Who teaches a class: the one rule every app uses to decide "head teacher of this class".

A user teaches a class when they hold an active head-teacher role at the class's school AND the
class names them as its head teacher or one of its assistants. The class row alone grants
nothing: a former head teacher whose role was revoked (or whose account was disabled) reaches
none of its pages, students, figures or API routes, even before the link is cleared.

When the role ends or the person leaves, `end_teaching` clears the class links of that school
(head teacher and assistant), with an audit event per class, so that lists stop naming them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.dispatch import receiver

from safecampus.core import audit
from safecampus.core.access import memberships
from safecampus.core.models import Membership, Unit
from safecampus.core.roles import Role
from safecampus.core.scoping import scope_q
from safecampus.core.signals import membership_ended, user_deactivated

if TYPE_CHECKING:
    from .models import SchoolClass


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def teaching_paths(user: Any) -> list[str]:
    """Paths of the schools where the user (now) holds a head-teacher role."""
    if not _signed_in(user):
        return []
    return sorted({m.unit.path for m in memberships(user, role=Role.HEAD_TEACHER)})


def taught_q(user: Any, prefix: str = "") -> Q:
    """Condition on a class (reached through `prefix`, e.g. "school_class__") taught by the user.
    Nothing when the user holds no head-teacher role. Join on assistants: use in a subquery or
    with `.distinct()`."""
    paths = teaching_paths(user)
    if not paths:
        return Q(pk__in=[])
    mine = Q(**{f"{prefix}head_teacher": user}) | Q(**{f"{prefix}assistants": user})
    return scope_q(paths, f"{prefix}unit_path") & mine


def taught_or_none(user: Any, prefix: str = "") -> Q | None:
    """`taught_q`, or None when the user holds no head-teacher role (for `core.access`)."""
    return taught_q(user, prefix) if teaching_paths(user) else None


def classes_taught_by(user: Any) -> QuerySet[SchoolClass]:
    """The classes the user teaches at an active school (no duplicates)."""
    from .models import SchoolClass

    taught = SchoolClass.objects.filter(taught_q(user)).values("pk")
    return SchoolClass.objects.filter(pk__in=taught, unit__is_active=True)


def _at_school(user: Any, klass: SchoolClass) -> bool:
    return _signed_in(user) and any(
        klass.unit_path.startswith(m.unit.path) for m in memberships(user, role=Role.HEAD_TEACHER)
    )


def teaches(user: Any, klass: SchoolClass) -> bool:
    """Head teacher or assistant of the class, holding a head-teacher role at its school."""
    if not _at_school(user, klass):
        return False
    return klass.head_teacher_id == user.pk or klass.assistants.filter(pk=user.pk).exists()


def heads(user: Any, klass: SchoolClass | None) -> bool:
    """The class's own head teacher (not an assistant), holding a head-teacher role at its school."""
    return (
        klass is not None and klass.head_teacher_id == getattr(user, "pk", None) and _at_school(user, klass)
    )


def teacher_ids(klass: SchoolClass) -> list[int]:
    """Users who teach the class now (for notifications): head teacher first, then assistants."""
    named = [klass.head_teacher_id, *klass.assistants.order_by("pk").values_list("pk", flat=True)]
    named = [pk for pk in dict.fromkeys(named) if pk]
    holding = set(
        Membership.objects.filter(
            user_id__in=named,
            unit_id=klass.unit_id,
            role=Role.HEAD_TEACHER,
            is_active=True,
            unit__is_active=True,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )
    return [pk for pk in named if pk in holding]


@transaction.atomic
def end_teaching(user: Any, *, actor: Any, school: Unit | None = None) -> list[int]:
    """Clear the user's class links (head teacher, assistant) at `school`, or at every school when
    None; one audit event per class. Returns the ids of the classes changed."""
    from .models import SchoolClass

    classes = SchoolClass.objects.filter(Q(head_teacher=user) | Q(assistants=user))
    if school is not None:
        classes = classes.filter(unit=school)
    changed = []
    for klass in classes.select_related("unit", "grade").distinct().order_by("pk"):
        roles = []
        if klass.head_teacher_id == user.pk:
            SchoolClass.objects.filter(pk=klass.pk).update(head_teacher=None)
            roles.append("head_teacher")
        if klass.assistants.filter(pk=user.pk).exists():
            klass.assistants.remove(user)
            roles.append("assistant")
        audit.record(
            actor,
            "roster.class_teacher_removed",
            klass,
            unit=klass.unit,
            before={"class": str(klass), "teacher": user.username, "as": roles},
            after={"class": str(klass), "teacher": "", "as": []},
        )
        changed.append(klass.pk)
    return changed


@receiver(membership_ended, dispatch_uid="roster.teaching.membership_ended")
def _role_ended(sender: Any, membership: Membership, actor: Any, **kwargs: Any) -> None:
    """A revoked head-teacher role ends the classes at that school (unless still held there)."""
    if membership.role != Role.HEAD_TEACHER:
        return
    still = Membership.objects.filter(
        user_id=membership.user_id, unit_id=membership.unit_id, role=Role.HEAD_TEACHER, is_active=True
    ).exists()
    if not still:
        end_teaching(membership.user, actor=actor, school=membership.unit)


@receiver(user_deactivated, dispatch_uid="roster.teaching.user_deactivated")
def _person_left(sender: Any, user: Any, actor: Any, **kwargs: Any) -> None:
    """A disabled account teaches no class any more."""
    end_teaching(user, actor=actor)
