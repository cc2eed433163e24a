"""Which text applies to a post, and the posts' `current_text` / `current_signature` kept in step.

The text that applies to a post is the newest published version for its kind from the nearest
owner: the school's own, else its county's, city's or province's (the longest owner path that is
a prefix of the school's path). `refresh_posts` recomputes both fields for the active posts under
a path (of some kinds) in a few grouped queries, writes the posts that changed with one bulk
update and — unless told not to — records the roll-up deltas of the change in the same
transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from safecampus.core.models import Unit

from . import counting
from .models import LetterText, Post, Signature


def owner_paths(path: str) -> list[str]:
    """The school's path and every ancestor's: the owners whose texts may apply to it."""
    step = Unit.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


def published_for(paths: Iterable[str], kinds: Iterable[str] | None = None) -> list[LetterText]:
    qs = LetterText.objects.filter(published_at__isnull=False, unit_path__in=sorted(set(paths)))
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return list(qs.only("id", "unit_path", "kind", "number", "title"))


def pick(texts: Iterable[LetterText], school_path: str, kind: str) -> LetterText | None:
    """The nearest owner's newest published version for `kind` among `texts`."""
    best: LetterText | None = None
    for t in texts:
        if t.kind != kind or not school_path.startswith(t.unit_path):
            continue
        if best is None or (len(t.unit_path), t.number) > (len(best.unit_path), best.number):
            best = t
    return best


def applicable(school: Unit, kind: str) -> LetterText | None:
    return pick(published_for(owner_paths(school.path), [kind]), school.path, kind)


def refresh_posts(
    under: str | None = None,
    kinds: Iterable[str] | None = None,
    *,
    posts: Iterable[Post] | None = None,
    record: bool = False,
    dry_run: bool = False,
) -> int | list[int]:
    """Bring the active posts under `under` (of `kinds`; or exactly `posts`) up to date: their
    applicable text and their holder's signature of it. Returns how many posts changed (with
    `dry_run`, changes nothing and returns the ids of the schools whose posts drift)."""
    if posts is None:
        qs = Post.objects.filter(active=True)
        if under:
            qs = qs.filter(unit_path__startswith=under)
        if kinds is not None:
            qs = qs.filter(kind__in=list(kinds))
        posts = list(qs)
    else:
        posts = [p for p in posts if p.active]
    if not posts:
        return [] if dry_run else 0
    kind_set = {p.kind for p in posts}
    paths = {q for p in posts for q in owner_paths(p.unit_path)}
    texts = published_for(paths, kind_set)
    by_school: dict[tuple[str, str], Any] = {}
    for p in posts:
        key = (p.unit_path, p.kind)
        if key not in by_school:
            by_school[key] = pick(texts, p.unit_path, p.kind)
    signed: dict[tuple[int, int, int], int] = {}
    for start in range(0, len(posts), 500):
        chunk = posts[start : start + 500]
        for sid, post_id, holder_id, text_id in Signature.objects.filter(
            post_id__in=[p.pk for p in chunk]
        ).values_list("id", "post_id", "holder_id", "text_id"):
            signed[(post_id, holder_id, text_id)] = sid
    pairs, moved = [], []
    for p in posts:
        text = by_school[(p.unit_path, p.kind)]
        text_id = text.pk if text is not None else None
        sig_id = signed.get((p.pk, p.holder_id, text_id)) if text_id else None
        if (p.current_text_id, p.current_signature_id) == (text_id, sig_id):
            continue
        if dry_run:
            moved.append(p)
            continue
        before = counting.snapshot(p)
        p.current_text_id, p.current_signature_id = text_id, sig_id
        pairs.append((before, p))
        moved.append(p)
    if dry_run:
        return sorted({p.unit_id for p in moved})
    if moved:
        Post.objects.bulk_update(moved, ["current_text", "current_signature"], batch_size=500)
        if record:
            counting.changed_many(pairs)
    return len(moved)


def signed_texts(posts: Iterable[Post]) -> dict[int, list[int]]:
    """{post id: ids of the versions its current holder signed} (for history lists)."""
    out: dict[int, list[int]] = defaultdict(list)
    ids = {p.pk: p.holder_id for p in posts}
    for post_id, holder_id, text_id in Signature.objects.filter(post_id__in=list(ids)).values_list(
        "post_id", "holder_id", "text_id"
    ):
        if ids.get(post_id) == holder_id:
            out[post_id].append(text_id)
    return out
