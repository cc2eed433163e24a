"""The demo letters: every post of the county's schools, most signed, demo_teacher's due."""

from __future__ import annotations

from safecampus.core.models import Unit
from safecampus.responsibility import services, stats
from safecampus.responsibility.counting import LETTERS
from safecampus.responsibility.demo import load_responsibility_demo
from safecampus.responsibility.models import Post, PostKind


def test_demo_letters(demo, head_teacher, principal):
    load_responsibility_demo()
    load_responsibility_demo()  # idempotent
    year = services.current_year()
    teacher = Post.objects.get(holder=head_teacher, kind=PostKind.HEAD_TEACHER, active=True, school_year=year)
    assert teacher.status == "due"
    head = Post.objects.get(holder=principal, kind=PostKind.PRINCIPAL, active=True, school_year=year)
    assert head.status == "signed" and head.current_signature.countersigned_at is not None
    assert services.verify(head.current_signature)["valid"]
    t = stats.read_one(Unit.objects.get(code="demo-c1-k1"), year)
    assert t.required > 5 and 0 < t.signed < t.required and t.rate > 0.5
    assert "一岗双责" in teacher.current_text.body
    assert LETTERS.reconcile().clean
