"""Access: one rule per model, and the memberships behind every rule.

Every tenant model declares once how its rows are scoped, with a `Rule` on the model:

    class Hazard(ScopedModel):
        access = Rule(perm=Perm.VIEW_HAZARDS)

    class Student(ScopedModel):
        access = Rule(perm=Perm.VIEW_USERS, classes="school_class__",
                      parents="guardians__parent", own="user", own_role=Role.STUDENT)

and every read goes through `Model.objects.visible_to(user, perm=…)`: the rows under the units
where one of the user's active memberships grants the permission (a school's staff their
school, a bureau its area), plus — where the rule says so — the rows of the classes the user
teaches (head teachers), of the user's children (parents) and the user's own rows. A model
without a rule reads the subtree of every membership (org data everyone at a school sees).

No module loops over memberships itself: `memberships`, `scope_paths` and `member_units` answer
"where does this user hold this permission". The place a page is about (`?unit=`, `?grade=`,
`?class=`) is resolved by `core.places`; both answer 404 alike for missing and forbidden.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from .roles import Role, role_allows
from .scoping import active_memberships, scope_q

if TYPE_CHECKING:
    from .models import Membership, Unit


@dataclass(frozen=True)
class Teaching:
    """The head-teacher rule, registered by `roster.teaching` at start-up (core does not import
    the roster): `q(user, prefix)` the classes the user teaches reached through `prefix` (None
    when they teach none), `teaches(user, klass)`, and `classes(user)` the classes taught."""

    q: Callable[[Any, str], Q | None]
    teaches: Callable[[Any, Any], bool]
    classes: Callable[[Any], QuerySet]


_teaching: Teaching | None = None


def register_teaching(rule: Teaching) -> None:
    global _teaching
    _teaching = rule


def teaching() -> Teaching:
    if _teaching is None:  # pragma: no cover - the roster app registers it in ready()
        raise RuntimeError("the roster app has not registered the head-teacher rule")
    return _teaching


def signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_root(user: Any) -> bool:
    """A platform superuser: reads everything."""
    return signed_in(user) and bool(getattr(user, "is_superuser", False))


def memberships(
    user: Any,
    perm: str | None = None,
    *,
    role: str | None = None,
    bureau: bool | None = None,
    bureau_perm: str | None = None,
) -> list[Membership]:
    """The user's active memberships that grant `perm` (any when None), optionally only of one
    `role`, only at bureaus (`bureau=True`) or only at schools (`bureau=False`). `bureau_perm`
    also counts a bureau membership granting that other permission."""
    out = []
    for m in active_memberships(user):
        if role is not None and m.role != role:
            continue
        if bureau is not None and m.unit.is_bureau != bureau:
            continue
        grants = perm is None or role_allows(m.role, perm)
        if not grants and bureau_perm and m.unit.is_bureau:
            grants = role_allows(m.role, bureau_perm)
        if grants:
            out.append(m)
    return out


def scope_paths(user: Any, perm: str | None = None, **kw: Any) -> list[str]:
    """Org-tree path prefixes under which the user holds `perm` (see `memberships` for the
    keywords): `[""]` for a superuser (everything), `[]` for nothing (fail closed)."""
    if is_root(user):
        return [""]
    return sorted({m.unit.path for m in memberships(user, perm, **kw)})


def member_units(user: Any, perm: str | None = None, **kw: Any) -> list[Unit]:
    """The units of the user's memberships granting `perm`, without repeats, highest role first."""
    return list({m.unit.pk: m.unit for m in memberships(user, perm, **kw)}.values())


def holds_at(user: Any, perm: str, unit: Unit, *, here: bool = False, **kw: Any) -> bool:
    """Does a membership grant `perm` at `unit` — at it or above it, or only at it (`here`)?"""
    if perm is not None and is_root(user):
        return True
    for m in memberships(user, perm, **kw):
        if (m.unit_id == unit.pk) if here else unit.path.startswith(m.unit.path):
            return True
    return False


def holds_anywhere(user: Any, perm: str, **kw: Any) -> bool:
    """Does any membership grant `perm` (a superuser: yes)?"""
    return is_root(user) or bool(memberships(user, perm, **kw))


def has_role(user: Any, role: str) -> bool:
    return bool(memberships(user, role=role))


def home_unit(user: Any, perm: str, *, highest: bool = False) -> Unit | None:
    """The unit a module's pages open at: the first membership granting `perm` (the active one
    when the request chose one), or with `highest` the highest such unit (a superuser: the first
    top-level unit)."""
    if highest and is_root(user):
        from .models import Unit

        return Unit.objects.filter(depth=1, is_active=True).order_by("path").first()
    units = member_units(user, perm)
    if not units:
        return None
    return min(units, key=lambda u: (u.depth, u.path)) if highest else units[0]


@dataclass(frozen=True)
class Rule:
    """How a model's rows are scoped (see the module docstring).

    - `perm`: holders of it read the rows under their unit (None: any membership does).
    - `bureau_perm`: a bureau membership granting this other permission reads them too.
    - `bureau_q`: `(bureau unit) -> Q`, narrowing what a bureau reads (e.g. what schools report up).
    - `path`: the row's path field; `also_paths`: other path fields that put a row in scope too.
    - `classes`: the lookup prefix from a row to its class: head teachers read their classes' rows.
    - `parents`: the lookup from a row to a guardian user: parents read their children's rows.
    - `own`: the lookup from a row to its user (`own_role`: only through a membership of that role).
    - `related`: `(lookup, "app.Model")`: rows whose related row the user may read.
    - `subtree`: False when a membership alone grants nothing (a user's own downloads).
    """

    perm: str | None = None
    bureau_perm: str | None = None
    bureau_q: Callable[[Unit], Q] | None = None
    path: str = "unit_path"
    also_paths: tuple[str, ...] = ()
    classes: str | None = None
    parents: str | None = None
    own: str | None = None
    own_role: str | None = None
    related: tuple[str, str] | None = None
    extra: tuple[Callable[[Any], Q], ...] = field(default=())
    subtree: bool = True

    def q(self, user: Any, perm: str | None = None) -> tuple[Q, bool]:
        """The condition on rows the user may read, and whether it joins to-many relations (the
        caller then de-duplicates)."""
        perm = perm or self.perm
        q = Q(pk__in=[])
        joins = False
        plain: list[str] = []
        granting = memberships(user, perm, bureau_perm=self.bureau_perm if perm == self.perm else None)
        for m in granting if self.subtree else ():
            if self.bureau_q is not None and m.unit.is_bureau:
                q |= Q(**{f"{self.path}__startswith": m.unit.path}) & self.bureau_q(m.unit)
            else:
                plain.append(m.unit.path)
        if plain:
            for fld in (self.path, *self.also_paths):
                q |= scope_q(plain, fld)
        # Without a permission every membership's subtree is in already: what a head teacher or a
        # parent reads through their membership is in it.
        if self.classes is not None and perm is not None:
            taught = teaching().q(user, self.classes)
            if taught is not None:
                q |= taught
                joins = True
        if self.parents is not None and perm is not None:
            for m in memberships(user, role=Role.PARENT):
                q |= Q(**{f"{self.path}__startswith": m.unit.path, self.parents: user})
                joins = True
        if self.own is not None:
            if self.own_role is None:
                q |= Q(**{self.own: user})
            else:
                for m in memberships(user, role=self.own_role):
                    q |= Q(**{f"{self.path}__startswith": m.unit.path, self.own: user})
        if self.related is not None:
            from django.apps import apps

            lookup, label = self.related
            q |= Q(**{f"{lookup}__in": apps.get_model(label).objects.visible_to(user).values("pk")})
        for more in self.extra:
            q |= more(user)
        return q, joins


def visible(qs: QuerySet, user: Any, perm: str | None = None) -> QuerySet:
    """`qs` narrowed to the rows the user may read under the model's rule (`perm` instead of the
    rule's own permission when given)."""
    if not signed_in(user):
        return qs.none()
    if is_root(user):
        return qs
    rule: Rule | None = getattr(qs.model, "access", None)
    if rule is None:  # no rule declared: the subtree of every membership
        rule = Rule(path=getattr(qs, "scope_path_field", "unit_path"))
    q, joins = rule.q(user, perm)
    if not joins:
        return qs.filter(q)
    # A subquery, not a join on the querysets itself: to-many joins would repeat rows and
    # multiply the counts of annotations.
    return qs.filter(pk__in=qs.model._base_manager.filter(q).values("pk"))
