"""The letters roll-up equals a recount from the texts, posts and signatures themselves."""

from __future__ import annotations

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.responsibility import services, stats
from safecampus.responsibility.counting import LETTERS
from safecampus.responsibility.models import LetterText, Post, PostKind, Signature

from .helpers import data_url, post_of


def recount(unit: Unit, year: int) -> tuple[int, int]:
    """Independent of the posts' stored fields: the applicable text from the texts, the
    signature from the signatures."""
    required = signed = 0
    for post in Post.objects.filter(unit_path__startswith=unit.path, school_year=year, active=True):
        texts = [
            t
            for t in LetterText.objects.filter(kind=post.kind, published_at__isnull=False)
            if post.unit_path.startswith(t.unit_path)
        ]
        if not texts:
            continue
        best = max(texts, key=lambda t: (len(t.unit_path), t.number))
        required += 1
        signed += Signature.objects.filter(post=post, holder_id=post.holder_id, text=best).exists()
    return required, signed


def check_equal(year: int) -> None:
    for code in ("demo", "demo-c1", "demo-c1-k1", "demo-c1-k1-s1", "demo-c1-k2"):
        unit = Unit.objects.get(code=code)
        t = stats.read_one(unit, year)
        assert (t.required, t.signed) == recount(unit, year), code
    assert LETTERS.reconcile().clean


def test_stats_follow_every_change(letters, school, head_teacher, principal, guard, county, county_unit):
    year = services.current_year()
    check_equal(year)
    t = stats.read_one(school, year)
    assert t.required == 3 and t.signed == 0 and t.rate == 0
    services.sign(
        post_of(school, head_teacher, PostKind.HEAD_TEACHER), actor=head_teacher, signature=data_url()
    )
    services.sign(post_of(school, guard, PostKind.GUARD), actor=guard, signature=data_url())
    check_equal(year)
    assert stats.read_one(county_unit, year).signed == 2
    # A new head-teacher text: that signature is due again (bulk deltas in the same transaction).
    services.write_text(county_unit, actor=county, kind=PostKind.HEAD_TEACHER, title="v2", body="第二版")
    check_equal(year)
    assert stats.read_one(school, year).signed == 1
    # A change of holder and a closed post.

    services.change_holder(
        post_of(school, guard, PostKind.GUARD),
        actor=principal,
        holder=User.objects.get(username="demo_doctor"),
    )
    check_equal(year)
    services.close_post(post_of(school, principal, PostKind.PRINCIPAL), actor=principal)
    check_equal(year)
    assert stats.read_one(school, year).required == 2
    # Another school of the county gets its posts.
    services.sync_posts(
        Unit.objects.get(code="demo-c1-k1-s2"), actor=User.objects.get(username="demo_operator")
    )
    check_equal(year)


def test_rebuild_with_refresh_repairs_drift(letters, school, head_teacher):
    year = services.current_year()
    post = post_of(school, head_teacher, PostKind.HEAD_TEACHER)
    Post.objects.filter(pk=post.pk).update(current_text=None)  # drift behind the services' back
    assert not LETTERS.reconcile().clean
    LETTERS.rebuild(refresh=True)
    assert LETTERS.reconcile().clean
    check_equal(year)
