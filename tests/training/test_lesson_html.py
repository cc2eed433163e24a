"""Lesson HTML is sanitised on output, by one filter on every page that shows a lesson (issue 14
§2): no scripts, event handlers or javascript: addresses, and only same-origin images — no
remote tracking pixels in lessons shown to minors. The text is stored as an older version or a
direct write could have left it, unsanitised."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from safecampus.training.class_models import ClassroomSession
from safecampus.training.models import Lesson

from .learn_helpers import ready

pytestmark = pytest.mark.django_db

MALICIOUS = (
    "<h2>防溺水</h2><p onclick=\"steal()\">不私自下水游泳。</p><script>alert('x')</script>"
    '<img src="https://tracker.example.com/p.gif?child=42" width="1" height="1" alt="pixel">'
    '<img src="//cdn.example.net/a.png" alt="remote"><img src="data:image/gif;base64,R0lGOD" alt="data">'
    '<img src="javascript:alert(1)" alt="js"><img src="/media/../accounts/logout/" alt="dots">'
    '<img src="/media/lessons/river.jpg" alt="河边">'
    '<img src="/training/manage/images/7" alt="uploaded">'
    '<a href="javascript:alert(2)">点我</a><a href="https://www.moe.gov.cn/">教育部</a>'
    '<svg onload="alert(3)"></svg><iframe src="https://evil.example/"></iframe>'
    "<style>body{background:url(https://tracker.example.com/b.gif)}</style>"
)


def _article_of(html: str) -> str:
    match = re.search(
        r'<article[^>]*class="[^"]*(?:lesson-article|article)[^"]*"[^>]*>(.*?)</article>', html, re.S
    )
    assert match, "the page shows the article"
    return match[1]


def _assert_clean(article: str) -> None:
    assert "防溺水" in article and "不私自下水游泳。" in article
    refused = ("<script", "alert(", "onclick", "steal()", "javascript:", "tracker.example.com", "cdn.example",
               "data:image", "logout", "<svg", "onload", "<iframe", "<style", "background:url")  # fmt: skip
    for bad in refused:
        assert bad not in article, bad
    assert '<img src="/media/lessons/river.jpg" alt="河边">' in article
    assert '<img src="/training/manage/images/7" alt="uploaded">' in article
    assert article.count("<img") == 2  # the refused images are dropped whole, not left without src
    assert '<a href="https://www.moe.gov.cn/" rel="noopener noreferrer">教育部</a>' in article


@pytest.fixture
def stored(article) -> Lesson:
    Lesson.objects.filter(pk=article.pk).update(body_html=MALICIOUS)
    article.refresh_from_db()
    return article


def test_learner_lesson_page(client_for, pupil, stored) -> None:
    resp = client_for(ready(pupil)).get(f"/training/lessons/{stored.pk}/")
    assert resp.status_code == 200
    _assert_clean(_article_of(resp.content.decode()))


def test_classroom_player(client_for, pupils, head_teacher, stored) -> None:
    klass = pupils[0].school_class
    c = client_for(head_teacher)
    c.post(f"/training/classes/{klass.pk}/classroom/", {"lesson": stored.pk})
    session = ClassroomSession.objects.get(school_class=klass, status="open")
    resp = c.get(f"/training/classes/{klass.pk}/classroom/{session.pk}/")
    assert resp.status_code == 200
    _assert_clean(_article_of(resp.content.decode()))


def test_editor_preview(client_for, province, stored) -> None:
    resp = client_for(province).get(f"/training/manage/lessons/{stored.pk}/edit/")
    assert resp.status_code == 200
    html = resp.content.decode()
    preview = re.search(
        r'<div class="card-body article-body text-break">(.*?)</div>\s*</details>', html, re.S
    )
    assert preview
    _assert_clean(preview[1])


def test_saving_keeps_only_what_is_shown(client_for, operator, stored) -> None:
    """The lesson service stores the text through the same sanitiser."""
    from safecampus.training import content

    content.update_lesson(stored, actor=operator, body_html=MALICIOUS)
    stored.refresh_from_db()
    _assert_clean(stored.body_html)


def test_no_template_prints_lesson_html_unfiltered() -> None:
    root = Path(__file__).resolve().parents[2] / "src" / "safecampus"
    shown = []
    for template in root.rglob("templates/**/*.html"):
        for expr in re.findall(r"{{\s*([^}]*body_html[^}]*)}}", template.read_text(encoding="utf-8")):
            if not expr.startswith("form."):  # the editor's own field, escaped
                shown.append((template.name, expr.strip()))
    assert shown, "lesson pages print body_html"
    assert all(expr.endswith("|lesson_html") for _name, expr in shown), shown
