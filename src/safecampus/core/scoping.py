"""Central scoping: the one door through which tenant data is read.

Every tenant model's manager offers `visible_to(user)`, filtering rows by the org-tree path
prefixes of the user's memberships (materialized paths, so no tree walk per query). Access
helpers answer 404 alike for a missing and a forbidden object.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Substr
from django.db.models.lookups import In
from django.http import Http404

from .roles import ROLE_SPECS, role_allows

if TYPE_CHECKING:
    from .models import Membership, Unit

M = TypeVar("M", bound=models.Model)


def active_memberships(user: Any) -> list[Membership]:
    """Memberships that currently grant anything: the active one when the request chose one."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    chosen = getattr(user, "active_membership", None)
    if chosen is not None:
        return [chosen]
    cached = getattr(user, "_sc_memberships", None)
    if cached is None:
        from .models import Membership

        cached = list(
            Membership.objects.filter(user=user, is_active=True, unit__is_active=True)
            .select_related("unit")
            .order_by("-id")
        )
        cached.sort(key=lambda m: -ROLE_SPECS[m.role].rank)
        user._sc_memberships = cached
    return cached


def user_scope_paths(user: Any) -> list[str]:
    """Org-tree path prefixes the user may read. Empty means nothing (fail closed)."""
    if user is not None and getattr(user, "is_superuser", False) and user.is_active:
        return [""]
    return sorted({m.unit.path for m in active_memberships(user)})


# Up to this many path prefixes are OR-ed as plain prefix matches (index-friendly); more are
# matched per path length (see `path_groups`).
FEW_PATHS = 16


def outermost_paths(paths: Iterable[str]) -> list[str]:
    """The paths not under another of them (a subtree inside another one adds nothing), sorted."""
    out: list[str] = []
    for p in sorted(set(paths)):  # a prefix sorts right before the paths it covers
        if not out or not p.startswith(out[-1]):
            out.append(p)
    return out


def _common_prefix(paths: list[str]) -> str:
    first, last = min(paths), max(paths)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def path_groups(paths: Iterable[str]) -> tuple[list[str], list[tuple[int, str, list[str]]]]:
    """How to match rows under `paths` with a condition whose size does not grow with their
    number (SQLite refuses an expression tree deeper than 1000, e.g. an OR per school of a
    province): up to `FEW_PATHS` outermost paths as plain prefix matches (first part), more as
    one group per path length (second part: the length, the common ancestor to match as a
    prefix, and the paths to find among the field's leading characters with one `IN` list)."""
    found = outermost_paths(paths)
    if len(found) <= FEW_PATHS:
        return found, []
    by_length: dict[int, list[str]] = {}
    for p in found:
        by_length.setdefault(len(p), []).append(p)
    return [], [(n, _common_prefix(group), group) for n, group in sorted(by_length.items())]


def scope_q(paths: Iterable[str], field: str) -> Q:
    """Rows whose `field` (a materialized path) lies under one of `paths`; nothing for no paths."""
    few, groups = path_groups(paths)
    q = Q(pk__in=[])
    for p in few:
        q |= Q(**{f"{field}__startswith": p})
    for length, common, group in groups:
        q |= Q(**{f"{field}__startswith": common}) & Q(In(Substr(F(field), 1, length), group))
    return q


def like_prefix(path: str) -> str:
    """A `LIKE … ESCAPE '\\'` pattern matching what starts with `path`."""
    return path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def scope_sql(paths: Iterable[str], column: str) -> tuple[str, list[str]]:
    """`scope_q` as an SQL condition on `column` (a fixed identifier) and its parameters."""
    few, groups = path_groups(paths)
    parts = [f"{column} LIKE %s ESCAPE '\\'" for _p in few]
    params = [like_prefix(p) for p in few]
    for length, common, group in groups:
        marks = ", ".join(["%s"] * len(group))
        parts.append(f"({column} LIKE %s ESCAPE '\\' AND SUBSTR({column}, 1, {int(length)}) IN ({marks}))")
        params += [like_prefix(common), *group]
    return (" OR ".join(parts) or "1 = 0"), params


class ScopedQuerySetMixin:
    """Add `visible_to(user)`; subclasses name the path field (`unit_path` or `unit__path`)."""

    scope_path_field = "unit_path"

    def visible_to(self, user: Any, perm: str | None = None):
        """The rows the user may read under the model's access rule (`core.access`)."""
        from .access import visible

        return visible(self, user, perm)


class ScopedQuerySet(ScopedQuerySetMixin, models.QuerySet):
    pass


class ScopedModel(models.Model):
    """Base for tenant rows: the owning unit and its materialized path, kept on the row.

    `core.services.org.move_unit` rewrites `unit_path` of every subclass when a unit moves.
    """

    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def set_unit(self, unit: Unit) -> None:
        self.unit = unit
        self.unit_path = unit.path


def get_visible_or_404(queryset_or_model: Any, user: Any, **lookup: Any) -> Any:
    """Fetch one visible object; 404 alike whether it is missing or not yours."""
    qs = queryset_or_model
    if isinstance(qs, type) and issubclass(qs, models.Model):
        qs = qs.objects.all()
    try:
        return qs.visible_to(user).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def has_perm_at(user: Any, perm: str, unit: Unit) -> bool:
    """Does one of the user's (active) memberships allow `perm` at `unit` (own unit or below)?"""
    if user is not None and getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(
        role_allows(m.role, perm) and unit.path.startswith(m.unit.path) for m in active_memberships(user)
    )


def require(user: Any, perm: str, unit: Unit) -> None:
    if not has_perm_at(user, perm, unit):
        raise PermissionDenied(perm)


def best_rank_at(user: Any, perm: str, unit: Unit) -> int:
    """Highest rank among the user's memberships that allow `perm` at `unit` (-1: none)."""
    if getattr(user, "is_superuser", False):
        return 10_000
    ranks = [
        ROLE_SPECS[m.role].rank
        for m in active_memberships(user)
        if role_allows(m.role, perm) and unit.path.startswith(m.unit.path)
    ]
    return max(ranks, default=-1)


def own_schools(user: Any, perm: str) -> dict[int, Unit]:
    """The schools where one of the user's (active) memberships itself grants `perm`."""
    from .models import UnitKind

    return {
        m.unit.pk: m.unit
        for m in active_memberships(user)
        if m.unit.kind == UnitKind.SCHOOL and role_allows(m.role, perm)
    }


def school_for(user: Any, perm: str, unit_id: int | None, message: str) -> Unit:
    """The school an API write is for: the one named (if visible; the service then checks `perm`
    there and refuses with 403), or the user's only school with `perm`. Anything else is
    `Invalid(message)` on the `unit` field."""
    from .errors import Invalid
    from .models import Unit, UnitKind

    if unit_id is not None:
        unit = Unit.objects.visible_to(user).filter(pk=unit_id, kind=UnitKind.SCHOOL).first()
        if unit is None:
            raise Invalid(message, field="unit")
        return unit
    schools = own_schools(user, perm)
    if len(schools) != 1:
        raise Invalid(message, field="unit")
    return next(iter(schools.values()))


def holders_of(perm: str, units: Any) -> set[int]:
    """Active users holding `perm` through a membership at one of `units` (not below)."""
    from .models import Membership

    ids = [u.pk for u in units if u is not None]
    return {
        m.user_id
        for m in Membership.objects.filter(unit_id__in=ids, is_active=True, user__is_active=True)
        if role_allows(m.role, perm)
    }
