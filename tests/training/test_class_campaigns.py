"""The class board shows the class's progress in its campaign's courses even when the teacher
assigned no lessons (issue 14 §3: "0 lessons assigned" while most pupils were learning)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from safecampus.training.class_queries import class_board
from safecampus.training.learner import learner_of
from safecampus.training.models import Audience
from safecampus.training.progress import ProgressBook

pytestmark = pytest.mark.django_db


def _learn(user, lesson, seconds: float) -> None:
    """The pupil learns `seconds` of the lesson on their own (as the player's beats would credit)."""
    book = ProgressBook(learner_of(user))
    book.add_raw(book.lesson_row(lesson, Audience.STUDENT), seconds, timezone.now(), classroom=True)
    book.flush()


@pytest.fixture
def klass(pupils, video, article):
    """三年级1班 with four pupils: one has done both lessons of the campaign's course, one has
    started, two have not; the teacher assigned nothing."""
    _learn(pupils[0].user, video, video.duration_s)
    _learn(pupils[0].user, article, article.duration_s)
    _learn(pupils[1].user, article, 90)
    return pupils[0].school_class


def test_the_board_counts_campaign_learning_without_assignments(
    klass, pupils, head_teacher, campaign, course
):
    board = class_board(head_teacher, klass)
    assert board.assignments == []
    [cp] = board.campaigns
    assert cp.campaign == campaign and cp.courses == [course] and cp.lessons == 2
    assert (cp.learning, cp.finished, cp.not_started) == (2, 0, 2)  # the course's quiz is not passed yet
    by_pupil = {row.student.pk: p for row, p in cp.rows}
    assert (by_pupil[pupils[0].pk].lessons_done, by_pupil[pupils[0].pk].state) == (2, "started")
    assert (by_pupil[pupils[1].pk].lessons_done, by_pupil[pupils[1].pk].minutes) == (0, 1)
    assert by_pupil[pupils[2].pk].state == "none"
    assert cp.done_rate == 25  # 2 of 4 × 2 lessons


def test_the_class_pages_show_it(client_for, klass, pupils, head_teacher, campaign):
    c = client_for(head_teacher)
    page = c.get(f"/training/classes/{klass.pk}/").content.decode()
    assert re.search(rf'id="campaign-{campaign.pk}-learning">2/4<', page)
    table = page[page.index(f'id="campaign-{campaign.pk}-pupils"') :]
    assert pupils[0].name in table and "2/2" in table
    listing = c.get("/training/classes/").content.decode()
    card = listing[listing.index(f'href="/training/classes/{klass.pk}/"') :]
    assert "2/4" in card[: card.index("</a>")] and "Pupils learning" in card[: card.index("</a>")]
    assert "2 of 4 learning" in card[: card.index("</a>")]


def test_a_campaign_of_another_school_year_is_not_the_class_s(klass, head_teacher, campaign):
    type(campaign).objects.filter(pk=campaign.pk).update(school_year=campaign.school_year - 1)
    assert class_board(head_teacher, klass).campaigns == []
