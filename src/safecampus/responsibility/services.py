"""Every change to responsibility letters goes through here: permission, validation (translated
errors, nothing changed on bad input), write, roll-up deltas and the audit event, in one
transaction.

- texts: `write_text` (a new version of a kind's letter at its owner unit, published at once or
  kept as a draft) and `publish_text` — managers (duties.manage) of the owner unit itself; a
  published version makes every signature of its kind below the owner due again;
- posts: `sync_posts` (from the school's roles and staff list), `add_post` (by hand, e.g. vice
  principal, canteen, dormitory), `change_holder`, `close_post` — the school's managers (or a
  bureau's above it);
- `sign`: only the post's holder (duties.sign_letters), only when due; the signed letter is
  rendered as PDF and its sha256 kept; `verify` checks the PDF and the text against their hashes;
- `countersign`: the principal's letter, by a manager of a bureau above the school.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.access import holds_at
from safecampus.core.errors import Conflict, Invalid, PermissionDenied
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.roles import Perm, Role
from safecampus.core.rollups import Node
from safecampus.schoolcal.calendar import academic_year

from . import counting
from .applicable import owner_paths, refresh_posts
from .cleaning import clean_text
from .models import (
    HAND_KINDS,
    ROLE_KINDS,
    STAFF_POST_KINDS,
    LetterText,
    Post,
    PostKind,
    PostSource,
    Signature,
    text_hash,
)

TITLE_MAX, BODY_MAX, NAME_MAX, NOTE_MAX = 120, 20000, 40, 60


def current_year() -> int:
    return academic_year(timezone.localdate())


def clean_year(value: Any) -> int:
    try:
        year = int(value) if value not in (None, "") else current_year()
    except (TypeError, ValueError):
        raise Invalid(_("Choose a school year."), field="school_year") from None
    if not 2000 <= year <= 2100:
        raise Invalid(_("Choose a school year."), field="school_year")
    return year


def clean_kind(value: Any) -> str:
    if value not in PostKind.values:
        raise Invalid(_("Choose the post."), field="kind")
    return str(value)


# ---------------------------------------------------------------------------------------------
# Texts
# ---------------------------------------------------------------------------------------------


def may_write_texts(user: Any, unit: Unit) -> bool:
    return holds_at(user, Perm.MANAGE_DUTIES, unit, here=True)


def _publish_effects(text: LetterText) -> int:
    """A version just published at its owner applies to every post of its kind below whose text
    came from that owner or from above (a nearer owner's own text keeps applying): those posts
    point at it and are due again. One grouped read for the deltas, one update (no row per post
    in Python, whatever the area's size)."""
    newer = LetterText.objects.filter(
        unit_id=text.unit_id, kind=text.kind, published_at__isnull=False, number__gt=text.number
    )
    if newer.exists():  # a later version of the same owner already applies
        return 0
    affected = Post.objects.filter(active=True, kind=text.kind, unit_path__startswith=text.unit_path).filter(
        Q(current_text__isnull=True) | Q(current_text__unit_path__in=owner_paths(text.unit_path))
    )
    groups = list(
        affected.values("unit_id", "unit_path", "school_year")
        .annotate(
            newly=Count("id", filter=Q(current_text__isnull=True)),
            was_signed=Count("id", filter=Q(current_signature__isnull=False)),
            n=Count("id"),
        )
        .order_by()
    )
    if not groups:
        return 0
    Post.objects.filter(pk__in=affected.values("pk")).update(current_text=text, current_signature=None)
    counting.LETTERS.record(
        (
            Node(g["unit_id"], g["unit_path"]),
            (g["school_year"],),
            {"required": g["newly"], "signed": -g["was_signed"]},
        )
        for g in groups
    )
    return sum(g["n"] for g in groups)


def write_text(
    unit: Unit, *, actor: Any, kind: Any, title: Any, body: Any, publish: bool = True
) -> LetterText:
    """A new version of `kind`'s letter at `unit` (a bureau or a school)."""
    if not may_write_texts(actor, unit):
        raise PermissionDenied(Perm.MANAGE_DUTIES)
    kind = clean_kind(kind)
    title = clean_text(title, TITLE_MAX, "title", required=_("Give the letter a title."))
    body = clean_text(body, BODY_MAX, "body", multiline=True, required=_("Write the text of the letter."))
    digest = text_hash(title, body)
    with transaction.atomic():
        last = LetterText.objects.select_for_update().filter(unit=unit, kind=kind).order_by("-number").first()
        if last is not None and last.content_hash == digest and (last.published_at or not publish):
            raise Invalid(_("The text is the same as version %(n)s.") % {"n": last.number}, field="body")
        text = LetterText(
            kind=kind,
            number=(last.number if last else 0) + 1,
            title=title,
            body=body,
            content_hash=digest,
            published_at=timezone.now() if publish else None,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        text.set_unit(unit)
        text.save()
        due = _publish_effects(text) if publish else 0
        audit.record(
            actor,
            "letter_text.published" if publish else "letter_text.written",
            text,
            unit=unit,
            after={
                "kind": kind,
                "version": text.number,
                "title": title,
                "hash": digest,
                "posts_due_again": due,
            },
        )
    return text


def publish_text(text: LetterText, *, actor: Any) -> LetterText:
    if not may_write_texts(actor, text.unit):
        raise PermissionDenied(Perm.MANAGE_DUTIES)
    with transaction.atomic():
        moved = LetterText.objects.filter(pk=text.pk, published_at__isnull=True).update(
            published_at=timezone.now()
        )
        if not moved:
            raise Conflict(_("This version is already published."))
        text.refresh_from_db()
        due = _publish_effects(text)
        audit.record(
            actor,
            "letter_text.published",
            text,
            unit=text.unit,
            after={"kind": text.kind, "version": text.number, "posts_due_again": due},
        )
    return text


# ---------------------------------------------------------------------------------------------
# Posts
# ---------------------------------------------------------------------------------------------


def may_manage_posts(user: Any, school: Unit) -> bool:
    return holds_at(user, Perm.MANAGE_DUTIES, school, here=True)  # the school's own office, not a bureau


def _require_posts(user: Any, school: Unit) -> None:
    if school.kind != UnitKind.SCHOOL:
        raise Invalid(_("Posts belong to a school."), field="unit")
    if not may_manage_posts(user, school):
        raise PermissionDenied(Perm.MANAGE_DUTIES)


def wanted_posts(school: Unit) -> dict[tuple[str, int], str]:
    """{(kind, user id): source} of the posts the school's roles and staff list give."""
    deputies: set[int] = set()
    out: dict[tuple[str, int], str] = {}
    try:
        from safecampus.roster.models import StaffPost
    except ImportError:  # pragma: no cover - the roster app is part of the platform
        StaffPost = None
    if StaffPost is not None:
        for user_id, name in StaffPost.objects.filter(unit=school, user__is_active=True).values_list(
            "user_id", "post"
        ):
            kind = STAFF_POST_KINDS.get(name.strip())
            if kind is not None:
                out[(kind, user_id)] = PostSource.STAFF_LIST
                if kind == PostKind.VICE_PRINCIPAL:
                    deputies.add(user_id)
    for user_id, role in Membership.objects.filter(
        unit=school, is_active=True, user__is_active=True
    ).values_list("user_id", "role"):
        kind = ROLE_KINDS.get(role)
        if kind is None or (kind == PostKind.PRINCIPAL and user_id in deputies):
            continue
        out.setdefault((kind, user_id), PostSource.ROLE)
    return out


def sync_posts(school: Unit, year: Any = None, *, actor: Any) -> dict[str, int]:
    """The school's posts of the school year follow its roles and staff list: posts for new
    holders, posts closed for people who left; posts added by hand are kept."""
    _require_posts(actor, school)
    year = clean_year(year)
    with transaction.atomic():
        wanted = wanted_posts(school)
        existing = list(Post.objects.select_for_update().filter(unit=school, school_year=year, active=True))
        have = {(p.kind, p.holder_id): p for p in existing}
        closing = [p for p in existing if p.source != PostSource.HAND and (p.kind, p.holder_id) not in wanted]
        pairs = []
        for p in closing:
            before = counting.snapshot(p)
            p.active = False
            pairs.append((before, p))
        if closing:
            Post.objects.filter(pk__in=[p.pk for p in closing]).update(active=False)
            counting.changed_many(pairs)
        new = [
            Post(
                unit=school,
                unit_path=school.path,
                kind=kind,
                holder_id=user_id,
                school_year=year,
                source=source,
            )
            for (kind, user_id), source in sorted(wanted.items())
            if (kind, user_id) not in have
        ]
        if new:
            Post.objects.bulk_create(new, batch_size=500)
            created = list(
                Post.objects.filter(
                    unit=school,
                    school_year=year,
                    active=True,
                    pk__gt=max([p.pk for p in existing], default=0),
                )
            )
            refresh_posts(posts=created, record=True)
        result = {"created": len(new), "closed": len(closing), "school_year": year}
        if new or closing:
            audit.record(actor, "letter_posts.synced", school, unit=school, after=result)
    return result


def _holder(school: Unit, value: Any) -> Any:
    from safecampus.accounts.models import User

    try:
        pk = int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        raise Invalid(_("Choose a staff member of the school."), field="holder") from None
    user = User.objects.filter(pk=pk, is_active=True).first()
    staff = Membership.objects.filter(user=user, unit=school, is_active=True).exclude(
        role__in=(Role.STUDENT, Role.PARENT)
    )
    if user is None or not staff.exists():
        raise Invalid(_("Choose a staff member of the school."), field="holder")
    return user


def add_post(school: Unit, *, actor: Any, kind: Any, holder: Any, year: Any = None, note: Any = "") -> Post:
    """A post added by hand (kinds without a role: vice principal, canteen, dormitory; or any)."""
    _require_posts(actor, school)
    kind = clean_kind(kind)
    user = _holder(school, holder)
    year = clean_year(year)
    note = clean_text(note, NOTE_MAX, "note")
    with transaction.atomic():
        if Post.objects.filter(unit=school, kind=kind, holder=user, school_year=year, active=True).exists():
            raise Invalid(_("This person already holds this post."), field="holder")
        post = Post(kind=kind, holder=user, school_year=year, source=PostSource.HAND, note=note)
        post.set_unit(school)
        post.save()
        refresh_posts(posts=[post], record=True)
        audit.record(
            actor,
            "letter_post.added",
            post,
            unit=school,
            after={"kind": kind, "holder": user.pk, "school_year": year, "note": note},
        )
    return post


def change_holder(post: Post, *, actor: Any, holder: Any) -> Post:
    """A post changes hands: the new holder's signature is due."""
    _require_posts(actor, post.unit)
    user = _holder(post.unit, holder)
    if not post.active:
        raise Conflict(_("This post is closed."))
    if user.pk == post.holder_id:
        raise Invalid(_("This person already holds this post."), field="holder")
    with transaction.atomic():
        if Post.objects.filter(
            unit=post.unit, kind=post.kind, holder=user, school_year=post.school_year, active=True
        ).exists():
            raise Invalid(_("This person already holds this post."), field="holder")
        before = counting.snapshot(post)
        was = post.holder_id
        post.holder = user
        post.source = PostSource.HAND
        post.save(update_fields=["holder", "source"])
        # Without a change of text the refresh may see nothing to do: count the holder change here.
        post.current_signature_id = _signature_of(post)
        Post.objects.filter(pk=post.pk).update(current_signature_id=post.current_signature_id)
        counting.changed(before, post)
        audit.record(
            actor,
            "letter_post.holder_changed",
            post,
            unit=post.unit,
            before={"holder": was},
            after={"holder": user.pk},
        )
    return post


def _signature_of(post: Post) -> int | None:
    if not post.current_text_id:
        return None
    return (
        Signature.objects.filter(post=post, holder_id=post.holder_id, text_id=post.current_text_id)
        .values_list("pk", flat=True)
        .first()
    )


def close_post(post: Post, *, actor: Any) -> Post:
    _require_posts(actor, post.unit)
    with transaction.atomic():
        before = counting.snapshot(post)
        if not Post.objects.filter(pk=post.pk, active=True).update(active=False):
            raise Conflict(_("This post is closed."))
        post.active = False
        counting.changed(before, post)
        audit.record(actor, "letter_post.closed", post, unit=post.unit, after={"active": False})
    return post


# Signing, verifying and countersigning live in `signing` (re-exported here).
from .signing import countersign, may_countersign, sign, verify  # noqa: E402

__all__ = [
    "HAND_KINDS",
    "add_post",
    "change_holder",
    "close_post",
    "countersign",
    "may_countersign",
    "publish_text",
    "sign",
    "sync_posts",
    "verify",
    "write_text",
]
