"""The read side of the letters, always scoped (`access.visible` through `visible_to`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from safecampus.core.access import memberships
from safecampus.core.places import id_param
from safecampus.core.roles import Perm

from .models import LetterText, Post, Signature
from .services import current_year


def my_posts(user: Any, year: int | None = None) -> QuerySet:
    """The user's own active posts of the school year (a holder sees their own letters)."""
    if not getattr(user, "is_authenticated", False):
        return Post.objects.none()
    return Post.objects.filter(holder=user, active=True, school_year=year or current_year())


def my_post(user: Any, post_id: Any) -> Post:
    """One of the user's own posts (any year); 404 for anyone else's, alike for missing."""
    pk = id_param(post_id)
    post = (
        Post.objects.filter(pk=pk, holder=user, active=True)
        .select_related("unit", "current_text", "current_text__unit", "current_signature")
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if post is None:
        raise Http404
    return post


def unsigned(school_ids: list[int], year: int | None = None) -> QuerySet:
    return Post.objects.filter(
        unit_id__in=school_ids,
        active=True,
        school_year=year or current_year(),
        current_text__isnull=False,
        current_signature__isnull=True,
    )


def school_posts(user: Any, school: Any, year: int) -> QuerySet:
    return (
        Post.objects.visible_to(user, Perm.VIEW_DUTIES)
        .filter(unit=school, school_year=year, active=True)
        .select_related("holder", "current_text", "current_signature", "current_signature__countersigned_by")
        .order_by("kind", "holder__name", "id")
    )


def visible_signature(user: Any, signature_id: Any) -> Signature:
    """A signature the user may read (their own, or VIEW_DUTIES over its school); else 404."""
    pk = id_param(signature_id)
    sig = (
        Signature.objects.visible_to(user, Perm.VIEW_DUTIES)
        .filter(pk=pk)
        .select_related("post", "text", "unit", "holder")
        .first()
    )
    if sig is None:
        raise Http404
    return sig


def to_countersign(user: Any, under: Any) -> QuerySet:
    """The principals' current signed letters under `under` not countersigned yet, for a bureau
    manager above them (who may countersign them)."""
    from django.db.models import F, Q

    from .models import PostKind

    bureaus = [m.unit for m in memberships(user, Perm.MANAGE_DUTIES, bureau=True)]
    if not bureaus:
        return Signature.objects.none()
    schools_below = Q(pk__in=[])  # the schools each bureau is directly above (`may_countersign`)
    for b in bureaus:
        schools_below |= Q(unit_path__startswith=b.path, unit__depth=b.depth + 1)
    return (
        Signature.objects.visible_to(user, Perm.VIEW_DUTIES)
        .filter(
            unit_path__startswith=under.path,
            post__kind=PostKind.PRINCIPAL,
            countersigned_at__isnull=True,
            post__current_signature=F("id"),
            post__active=True,
        )
        .filter(schools_below)
        .select_related("unit", "holder", "text")
        .order_by("unit_path", "id")
    )


def texts_of(unit: Any) -> QuerySet:
    return LetterText.objects.filter(unit=unit).order_by("kind", "-number")


def signatures_of(post: Post) -> QuerySet:
    return post.signatures.select_related("text", "countersigned_by").order_by("-signed_at")
