"""Pieces shared by the roster API modules: references, credentials, school lookup."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
from collections.abc import Callable
from typing import Annotated, Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Schema

from safecampus.core.api import MAX_ID, SafeText
from safecampus.core.models import Unit, UnitKind

from ..importing import Credential

SchoolCode = Annotated[SafeText, Field(max_length=64, description="The school's unit code.")]
Name = Annotated[SafeText, Field(max_length=60)]
Phone = Annotated[SafeText, Field(max_length=32, description="Mainland mobile number.")]
IdCard = Annotated[SafeText, Field(max_length=32, description="18-character ID-card number (GB 11643).")]
SchoolYear = Annotated[int, Field(ge=2000, le=2100, description="School year: 2026 is 2026–2027.")]
GradeLevel = Annotated[int, Field(ge=-3, le=16, description="1–6 primary, 7–9 junior, 10–12 senior; 0 大班.")]
NullableId = Annotated[int | None, Field(ge=1, le=MAX_ID)]


class SchoolRef(Schema):
    id: int
    code: str
    name: str


class PersonRef(Schema):
    id: int
    name: str


class CredentialOut(Schema):
    """An initial password, shown once to whoever created the account (it must be changed at
    first sign-in)."""

    kind: str
    name: str
    username: str
    password: str


def credentials_out(credentials: list[Credential]) -> list[CredentialOut]:
    return [
        CredentialOut(kind=c.kind, name=c.name, username=c.username, password=c.password) for c in credentials
    ]


def actor(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def school_code(code: str) -> str:
    return code.strip().lower()


def narrowed(
    qs: QuerySet,
    *,
    search: tuple[str, ...] = (),
    q: str | None = None,
    exact: Callable[[str], Q] | None = None,
    **lookups: Any,
) -> QuerySet:
    """Apply the list filters that were given: lookups whose value is None or "" are skipped;
    `q` searches the `search` fields (icontains, any of them) or, with `exact`, the condition it
    gives for the text (encrypted values: an exact match by keyed hash). `school` is a unit code."""
    if lookups.get("unit__code"):
        lookups["unit__code"] = school_code(lookups["unit__code"])
    qs = qs.filter(**{k: getattr(v, "value", v) for k, v in lookups.items() if v not in (None, "")})
    if q and q.strip():
        term = exact(q.strip()) if exact else Q()
        for name in search:
            term |= Q(**{f"{name}__icontains": q.strip()})
        qs = qs.filter(term)
    return qs


def one_or_404(queryset: QuerySet, pk: int) -> Any:
    """One row of an already scoped queryset (`roster.queries`): 404 alike for missing and not yours."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def visible_school_or_404(user: Any, code: str) -> Unit:
    """A school the user can see, by code: 404 alike for a missing and a foreign one."""
    school = Unit.objects.visible_to(user).filter(code=school_code(code), kind=UnitKind.SCHOOL).first()
    if school is None:
        raise Http404
    return school
