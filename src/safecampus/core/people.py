"""The people holding a role at a unit, paged and searchable (a school's page lists hundreds).

The search matches a name or user name, a role's name in the reader's language, an exact mobile
number, and whatever exact numbers the modules declare (`register_person_lookup`: the roster
finds a pupil and their parents by the exact student number), without core importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest

from . import crypto
from .models import Membership, Unit
from .roles import ROLE_SPECS, Role
from .validators import normalise_mobile

PER_PAGE = 50
MAX_QUERY = 100

# Each lookup takes the searched text and answers the ids of users it names exactly (or None).
PersonLookup = Callable[[str], "QuerySet[Any] | None"]
_LOOKUPS: list[PersonLookup] = []


def register_person_lookup(lookup: PersonLookup) -> PersonLookup:
    """Declare an exact lookup of people (called from an app's `ready()`)."""
    if lookup not in _LOOKUPS:
        _LOOKUPS.append(lookup)
    return lookup


def search_q(text: str) -> Q:
    """Memberships whose person or role matches `text`."""
    q = Q(user__name__icontains=text) | Q(user__username__icontains=text)
    roles = [value for value, label in Role.choices if text.casefold() in str(label).casefold()]
    if roles:
        q |= Q(role__in=roles)
    phone = normalise_mobile(text)
    if phone.isdigit() and len(phone) == 11:
        q |= Q(user__phone_hash=crypto.lookup_hash(phone))
    for lookup in _LOOKUPS:
        users = lookup(text)
        if users is not None:
            q |= Q(user__in=users)
    return q


def _by_rank(qs: QuerySet[Membership]) -> QuerySet[Membership]:
    rank = Case(
        *[When(role=role, then=Value(spec.rank)) for role, spec in ROLE_SPECS.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    return qs.annotate(role_rank=rank).order_by("-role_rank", "user__name", "id")


def members_page(request: HttpRequest, unit: Unit) -> dict[str, Any]:
    """One page of the unit's active memberships the viewer may see, filtered by `q` and `role`
    from the query string; with the roles present (for the filter) and the filter to keep."""
    user = request.user
    here = Membership.objects.visible_to(user).filter(unit=unit, is_active=True)
    present = set(here.values_list("role", flat=True).distinct())
    roles = [(value, label) for value, label in Role.choices if value in present]
    text = " ".join((request.GET.get("q") or "").split())[:MAX_QUERY]
    role = request.GET.get("role") or ""
    qs = here
    if text:
        qs = qs.filter(search_q(text))
    if role in present:
        qs = qs.filter(role=role)
    else:
        role = ""
    page: Page = Paginator(_by_rank(qs.select_related("user")), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "q": text,
        "role": role,
        "roles": roles,
        "filtered": bool(text or role),
        "query": query.urlencode(),
    }
