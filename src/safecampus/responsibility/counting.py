"""The `letters` roll-up: each school's posts that need a signed responsibility letter in a
school year, and how many of them are signed — for the school, its county and every level above.

Definitions (one post row counts once, in its school and school year):
- **required**: an active post for whose kind a published text applies (`Post.current_text`);
- **signed**: a required post whose current holder signed the version that applies now
  (`Post.current_signature`); rate = signed ÷ required (None when nothing is required).

The seam with the services: every change of a post's counted fields goes through
`changed(before, post)` (or `changed_many` for a bulk move — a new text version makes every
signature of its kind due again) inside the change's transaction; `facts` is the independent
recount from the Post rows (`safecampus rollups reconcile letters`), `refresh` brings the
posts' current text and signature up to date from the texts and signatures themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django.db.models import Count, Q, QuerySet

from safecampus.core.rollups import Change, Node, Rollup, register

from .stats_models import COUNTERS, KEY, LetterCell, LetterDelta

SNAPSHOT_FIELDS = ("active", "current_text_id", "current_signature_id", "school_year", "unit_id", "unit_path")


def snapshot(post: Any) -> SimpleNamespace:
    """What a post counts by, as it is now: take it before changing the post."""
    return SimpleNamespace(**{k: getattr(post, k) for k in SNAPSHOT_FIELDS})


def contributions(post: Any) -> list[Change]:
    required = bool(post.active and post.current_text_id)
    if not required:
        return []
    counts = {"required": 1, "signed": int(post.current_signature_id is not None)}
    return [(Node(post.unit_id, post.unit_path), (int(post.school_year),), counts)]


def facts(under: str | None) -> list[QuerySet]:
    from .models import Post

    posts = Post.objects.filter(active=True, current_text__isnull=False)
    if under:
        posts = posts.filter(unit_path__startswith=under)
    return [
        posts.values("unit_path", "unit_id", "school_year")
        .annotate(required=Count("id"), signed=Count("id", filter=Q(current_signature__isnull=False)))
        .order_by()
    ]


def _refresh(under: str | None) -> int:
    from .applicable import refresh_posts

    return refresh_posts(under)


def _check(under: str | None) -> list[int]:
    from .applicable import refresh_posts

    return refresh_posts(under, dry_run=True)  # type: ignore[return-value]


LETTERS = register(
    Rollup(
        name="letters",
        label="responsibility letters by school year: posts that need one, letters signed",
        cell=LetterCell,
        delta=LetterDelta,
        keys=KEY,
        counters=COUNTERS,
        facts=facts,
        contributions=contributions,
        refresh=_refresh,
        check=_check,
    )
)


def changed(before: SimpleNamespace | None, post: Any) -> int:
    """Record the deltas of one change of `post` (before: a `snapshot`, None for a new post)."""
    return LETTERS.changed(before, post)


def changed_many(pairs: Iterable[tuple[SimpleNamespace | None, Any]]) -> int:
    """`changed` for many posts at once: one insert of the summed deltas."""
    changes: list[Change] = []
    for before, post in pairs:
        if before is not None:
            changes += [(n, k, {f: -v for f, v in c.items()}) for n, k, c in contributions(before)]
        changes += contributions(post)
    return LETTERS.record(changes)
