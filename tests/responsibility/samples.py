"""Tenancy-walk samples: demo_teacher's letter post at demo-c1-k1-s1 and the principal's signature."""

from __future__ import annotations

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.responsibility import services
from safecampus.responsibility.models import LetterText, Post, PostKind, Signature

from .helpers import data_url

K1, K1_S1 = "demo-c1-k1", "demo-c1-k1-s1"


def k1_letters() -> None:
    """The county's principal and head-teacher texts, the school's posts, the principal's letter signed."""
    county, school = Unit.objects.get(code=K1), Unit.objects.get(code=K1_S1)
    officer = User.objects.get(username="demo_county")
    for kind in (PostKind.PRINCIPAL, PostKind.HEAD_TEACHER):
        if not LetterText.objects.filter(unit=county, kind=kind).exists():
            services.write_text(
                county, actor=officer, kind=kind, title="东港区 安全工作责任书", body="一岗双责。"
            )
    principal = User.objects.get(username="demo_principal")
    if not Post.objects.filter(unit=school, active=True).exists():
        services.sync_posts(school, actor=principal)  # the school keeps its posts
    post = Post.objects.get(unit=school, holder=principal, kind=PostKind.PRINCIPAL, active=True)
    if post.current_signature_id is None:
        services.sign(post, actor=principal, signature=data_url())


def letter_post_id() -> int:
    k1_letters()
    return Post.objects.get(
        unit__code=K1_S1, holder__username="demo_teacher", kind=PostKind.HEAD_TEACHER, active=True
    ).pk


def signature_id() -> int:
    k1_letters()
    return Signature.objects.filter(unit__code=K1_S1).order_by("id").first().pk


def letter_text_id() -> int:
    k1_letters()
    return LetterText.objects.filter(unit__code=K1).order_by("id").first().pk
