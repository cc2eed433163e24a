"""Training's "today" cards: a head teacher's class lessons not done by all pupils and pupils
behind; a bureau's child units behind on training (from the roll-up cells)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safecampus.core import today

pytestmark = pytest.mark.django_db


def _counts(user) -> dict[str, int]:
    return {c["key"]: c["count"] for c in today.cards_for(user)}


def test_head_teacher_sees_class_lessons_due_and_pupils_behind(
    head_teacher, pupils, video, client_for
) -> None:
    from safecampus.training.class_services import assign_lessons

    klass = pupils[0].school_class
    assert _counts(head_teacher)["training.class_due"] == 0
    start = timezone.localdate() - dt.timedelta(days=30)  # the lesson fell due 16 days ago
    assign_lessons(klass, [video], actor=head_teacher, start_on=start)
    counts = _counts(head_teacher)
    assert counts["training.class_due"] == 1 and counts["training.pupils_behind"] == len(pupils)
    card = next(c for c in today.cards_for(head_teacher) if c["key"] == "training.pupils_behind")
    assert card["url"] == f"/training/classes/{klass.pk}/"
    assert client_for(head_teacher).get(card["url"]).status_code == 200


def test_bureau_sees_units_behind_on_training(county, outsider, pupils, video, campaign, principal) -> None:
    from ..stats.test_rollup import watch

    watch(pupils[0].user, video, 45)  # 1 of the school's 4 pupils began: 25 % < the policy's 60 %
    counts = _counts(county)
    assert counts["training.units_behind"] == 1
    assert _counts(outsider)["training.units_behind"] == 0  # the sibling county's schools have no target
    card = next(c for c in today.cards_for(county) if c["key"] == "training.units_behind")
    assert (
        card["url"].startswith("/training/stats/?unit=demo-c1-k1")
        and "sort=participation_rate" in card["url"]
    )
    assert "training.units_behind" not in _counts(principal)  # a school's staff: not a bureau card


def test_courses_due_card_counts_what_the_learner_page_shows(pupils, video, campaign, principal) -> None:
    """The "Courses due" count is the number of due or overdue courses on the learner's own page,
    for a pupil and for a member of staff, without building the page's cards."""
    from safecampus.training.queries import DUE_STATES, due_count, learner_cards

    for user in (pupils[0].user, principal):
        shown = sum(1 for card in learner_cards(user, user) if card.state in DUE_STATES)
        assert due_count(user) == shown
        assert _counts(user).get("training.due", 0) == shown
    assert due_count(pupils[0].user) >= 1  # the campaign's course is due for the pupils
