"""Words translated in the sense the page means: a hazard's grade is 隐患等级 (never 年级, a school
year), grading a risk point is 评级, a letter is 办结 not 销号, a risk's review is 复核 not 复习."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import pgettext

from safecampus.hazards.models import Status
from safecampus.supervision.models import LetterStatus


def _zh(client, url: str) -> str:
    client.cookies["django_language"] = "zh-hans"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _label_of(page: str, field_id: str) -> str:
    match = re.search(rf'<label[^>]*for="{field_id}"[^>]*>([^<]*)</label>', page)
    assert match, field_id
    return match.group(1).strip()


@pytest.mark.django_db
def test_report_form_names_the_hazard_grade(client_for, safety):
    page = _zh(client_for(safety), "/hazards/report/")
    assert _label_of(page, "id_grade") == "隐患等级"
    assert "年级" not in page


@pytest.mark.django_db
def test_confirm_form_and_filters_name_the_hazard_grade(client_for, safety, school, make_hazard):
    hazard = make_hazard(Status.REPORTED)
    c = client_for(safety)
    detail = _zh(c, f"/hazards/{hazard.pk}/")
    assert _label_of(detail, "confirm-grade") == "隐患等级"
    assert "年级" not in detail
    ledger = _zh(c, f"/hazards/units/{school.pk}/")
    assert _label_of(ledger, "id_grade") == "隐患等级"
    stats = _zh(c, f"/hazards/stats/?unit={school.code}")
    assert _label_of(stats, "f-grade") == "隐患等级" and "年级" not in stats


def test_catalogue_keeps_the_senses_apart():
    with translation.override("zh-hans"):
        assert pgettext("hazard", "Grade") == "隐患等级"
        assert translation.gettext("Grade") == "年级"  # the school year, on roster pages
        assert pgettext("verb", "Grade") == "评级"
        assert pgettext("risk", "Review") == "复核"
        assert translation.gettext("Review") == "复习"  # a learner going over a lesson again
        assert str(LetterStatus.CLOSED.label) == "已办结"
        assert str(Status.CLOSED.label) == "已销号"
        assert pgettext("filters", "on") != "于"
    with translation.override("en"):
        assert pgettext("hazard", "Grade") == "Grade" and pgettext("verb", "Grade") == "Grade"
