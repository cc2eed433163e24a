"""Content kept in two languages shows its English title on English pages, wherever it is shown:
stages (which now have an English title too), campaigns, courses, lessons and themes, on the
management, learner, class, statistics and timeline pages; risk points by their English name."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from safecampus.training import content
from safecampus.training.models import Stage

from ..risks.samples import k1_points

pytestmark = pytest.mark.django_db


def _page(client, url: str, lang: str) -> str:
    client.cookies["django_language"] = lang
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def staged(campaign, course, operator):
    """The fixture campaign's stage with its English title, and a lesson with one."""
    content.save_stage(
        campaign, actor=operator, number=1, title="第一阶段", title_en="Stage one: water safety",
        starts_on="2026-09-01", ends_on="2026-12-31", theme_keys=["drowning"],
    )  # fmt: skip
    lesson = course.lessons.order_by("order").first()
    content.update_lesson(lesson, actor=operator, title_en="Video: the six don'ts")
    return Stage.objects.get(campaign=campaign, number=1)


def test_stage_has_an_english_title(staged):
    with translation.override("en"):
        assert staged.display_title == "Stage one: water safety"
    with translation.override("zh-hans"):
        assert staged.display_title == "第一阶段"


def test_management_pages_show_english_titles(staged, campaign, course, client_for, province):
    c = client_for(province)
    page = _page(c, reverse("training:campaign", args=[campaign.pk]), "en").split('id="timeline"')[0]
    assert "Stage one: water safety" in page and "Safety education 2026" in page
    assert "第一阶段" not in page and "2026年安全教育专题" not in page
    assert "Drowning prevention" in page
    course_page = _page(c, reverse("training:course", args=[course.pk]), "en")
    assert "Cherish life, prevent drowning" in course_page and "Stage one: water safety" in course_page
    assert "Video: the six don&#x27;ts" in course_page
    assert "珍爱生命 预防溺水" not in course_page.split('id="timeline"')[0]
    zh = _page(c, reverse("training:campaign", args=[campaign.pk]), "zh-hans")
    assert "第一阶段" in zh and "Stage one: water safety" not in zh.split('id="timeline"')[0]


def test_timeline_names_stages_and_themes_in_english(staged, campaign, client_for, province):
    page = _page(client_for(province), reverse("training:campaign", args=[campaign.pk]), "en")
    history = page[page.index('id="timeline"') :]
    # The stage's themes are named by their English names; recorded titles stay as recorded.
    assert "Themes:</dt>" in history and "Drowning prevention" in history


def test_statistics_filters_name_the_stage_in_english(staged, campaign, client_for, county):
    page = _page(client_for(county), f"/training/stats/?unit=demo-c1-k1&campaign={campaign.pk}", "en")
    assert "Stage one: water safety" in page and "Safety education 2026" in page
    assert "第一阶段" not in page


def test_class_page_shows_english_titles(staged, course, pupils, client_for, head_teacher):
    klass = pupils[0].school_class
    page = _page(client_for(head_teacher), reverse("training:class_progress", args=[klass.pk]), "en")
    assert "Video: the six don&#x27;ts" in page
    assert "视频：六不" not in page


def test_risk_points_show_their_english_name(client_for, principal):
    point = k1_points()["moderate"]
    point.name_en = "Power distribution room"
    point.save(update_fields=["name_en"])
    page = _page(client_for(principal), reverse("risks:ledger", args=[point.unit_id]), "en")
    assert "Power distribution room" in page and point.name not in page
    assert point.name in _page(
        client_for(principal), reverse("risks:ledger", args=[point.unit_id]), "zh-hans"
    )
