"""Every link on the learner's course cards answers 200 for the student (issue 14 §3: the quiz
button pointed to the management quiz page, which answered 405)."""

from __future__ import annotations

import re

import pytest

from safecampus.training import queries

from ..walker import links_in
from .learn_helpers import TODAY, ready

pytestmark = pytest.mark.django_db


def _cards(html: str) -> list[str]:
    return re.findall(r'<div class="card h-100 course-card".*?\n</div>\n', html, re.S)


def test_course_card_links_answer_200_for_the_student(client_for, pupil, course, monkeypatch):
    monkeypatch.setattr(queries, "local_today", lambda: TODAY)
    client = client_for(ready(pupil))
    home = client.get("/training/").content.decode()
    cards = _cards(home)
    assert cards, "the learner's home shows the course's card"
    links = sorted({href for card in cards for href in links_in(card)})
    assert f"/training/quizzes/{course.quiz.pk}/" in links  # the quiz button
    assert any(href.startswith("/training/lessons/") for href in links)
    for href in links:
        answer = client.get(href)
        assert answer.status_code == 200, f"{href} → {answer.status_code}"
    # The lesson page's quiz button too.
    lesson = course.lessons.order_by("-order").first()
    page = client.get(f"/training/lessons/{lesson.pk}/").content.decode()
    quiz_links = [h for h in links_in(page) if "quiz" in h]
    assert quiz_links and all(client.get(h).status_code == 200 for h in quiz_links), quiz_links
