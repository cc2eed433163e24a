"""Timelines, the audit log and the activity feed speak the reader's language: no raw verb
(`letter.issued`), status code (`draft → confirmed`), choice code (`类别: laboratory`), factor dict
(`{'c': 40.0, …}`), person id (`责任人: 8`) or default object name (`QuizAttempt object (6148)`);
and the school's feed does not list one pupil's quiz."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone, translation

from safecampus.accounts.models import User
from safecampus.core import audit, audit_render
from safecampus.core.models import AuditEvent
from safecampus.hazards import services as hazard_services
from safecampus.hazards.models import Source, Status
from safecampus.hazards.workflow import VERBS as HAZARD_VERBS
from safecampus.risks.models import RiskPoint
from safecampus.risks.services import VERBS as RISK_VERBS
from safecampus.supervision import services as supervision_services
from safecampus.supervision.workflow import VERBS as LETTER_VERBS
from safecampus.training import quizzes
from safecampus.training.models import CONTENT_TRANSITIONS

from .hazards.conftest import finder, make_hazard, rectifier, safety  # noqa: F401
from .risks.samples import k1_points
from .training.conftest import campaign, course, pupil, pupils  # noqa: F401

pytestmark = pytest.mark.django_db
SOURCE = Path(__file__).resolve().parent.parent / "src" / "safecampus"


def _page(client, url: str, lang: str) -> str:
    client.cookies["django_language"] = lang
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _history(page: str) -> str:
    """The timeline card of a detail page."""
    start = page.index('class="timeline')
    return page[start : page.index("</ul>", start)]


def _values(html: str) -> list[str]:
    """The values of a timeline's rows (old and new)."""
    return [
        re.sub(r"<[^>]+>", " ", v) for v in re.findall(r'<dd class="d-inline mb-0">(.*?)</dd>', html, re.S)
    ]


def _words(html: str) -> list[str]:
    return [w for v in _values(html) for w in re.findall(r"[A-Za-z_.]+", v)]


def _major_point() -> RiskPoint:
    """Graded by LEC (C = 40), laboratory, control plan with a responsible person, confirmed."""
    return k1_points()["major"]


def test_risk_timeline_shows_labels_not_codes(client_for, principal):
    point = _major_point()
    c = client_for(principal)
    zh = _history(_page(c, f"/risks/points/{point.pk}/", "zh-hans"))
    en = _history(_page(c, f"/risks/points/{point.pk}/", "en"))
    for html in (zh, en):
        assert not {"laboratory", "draft", "confirmed", "major", "school"} & set(_words(html))
        assert "{" not in html and "'c'" not in html and "40.0" not in html
        assert f">{principal.pk}<" not in html and f" {principal.pk}\n" not in html
        assert principal.display_name in html
    assert "实验室及危险化学品" in zh and "草稿" in zh and "已确认" in zh and "识别风险点" in zh
    assert "后果 C 40" in zh and "可能性 L 3" in zh and "责任人" in zh and "重大风险" in zh
    assert "Laboratories and hazardous chemicals" in en and "Draft" in en and "Risk point identified" in en
    assert "Consequence C 40" in en and "Responsible person" in en and "Major risk" in en


def test_hazard_timeline_shows_labels_not_codes(client_for, safety, rectifier, school):  # noqa: F811
    data = {"category": "laboratory", "location": "化学实验室危化品柜", "description": "标签脱落",
            "grade": "general", "source": "daily_inspection"}  # fmt: skip
    hazard, _created = hazard_services.report(school, actor=safety, data=data)
    hazard_services.act(hazard, actor=safety, action="confirm", data={"grade": "major"})
    c = client_for(safety)
    zh = _history(_page(c, f"/hazards/{hazard.pk}/", "zh-hans"))
    en = _history(_page(c, f"/hazards/{hazard.pk}/", "en"))
    for html in (zh, en):
        raw = {"laboratory", "daily_inspection", "general", "major", "reported", "confirmed"}
        assert not raw & set(_words(html)), _values(html)
        assert "hazard." not in html
    assert "实验室及危险化学品" in zh and "隐患等级" in zh and "一般隐患" in zh and "重大隐患" in zh
    with translation.override("zh-hans"):
        assert str(Source.DAILY_INSPECTION.label) in zh
    assert "年级" not in zh
    assert "Hazard grade" in en and "General hazard" in en and "Major hazard" in en


def test_letter_timeline_names_the_verb(client_for, county, school, make_hazard):  # noqa: F811
    hazard = make_hazard(Status.ASSIGNED)
    data = {"kind": "assignment", "hazards": [hazard.pk], "body": "请立即整改。",
            "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat()}  # fmt: skip
    letter = supervision_services.issue_letter(school, actor=county, data=data)
    c = client_for(county)
    zh = _history(_page(c, f"/supervision/letters/{letter.pk}/", "zh-hans"))
    en = _history(_page(c, f"/supervision/letters/{letter.pk}/", "en"))
    for html in (zh, en):
        assert "letter.issued" not in html and not {"assignment", "issued"} & set(_words(html))
    assert "发出函件" in zh and "交办函" in zh and "待学校回复" in zh
    assert "Letter issued" in en and "Assignment letter" in en


def test_pupils_quiz_is_off_the_feed_and_named_in_the_log(client_for, principal, school_admin, pupil, course):  # noqa: F811
    User.objects.filter(pk=pupil.pk).update(must_change_password=False)
    attempt = quizzes.start_attempt(pupil, course.quiz.pk)
    quizzes.submit_attempt(pupil, attempt.pk, {})
    event = AuditEvent.objects.get(verb="training.quiz_submitted", target_id=str(attempt.pk))
    assert "object (" in event.target_repr  # what the trail holds; never what a reader sees
    for lang, quiz_label in (("zh-hans", "提交测验"), ("en", "Quiz submitted")):
        home = _page(client_for(principal), "/", lang)
        assert "Recent activity" in home or "最近动态" in home
        assert "object (" not in home and quiz_label not in home
    log = _page(client_for(school_admin), "/audit/?verb=training.quiz_submitted", "zh-hans")
    assert "object (" not in log and f"测验：{course.title}" in log and "提交测验" in log


def test_feed_shows_school_changes_by_their_labels(client_for, principal):
    point = _major_point()
    with transaction.atomic():
        audit.record(
            principal, "risk.confirmed", point, before={"status": "draft"}, after={"status": "confirmed"}
        )
    home = _page(client_for(principal), "/", "zh-hans")
    feed = home[home.index("list-group-flush") :]
    assert "risk.confirmed" not in feed and "已确认" in feed and point.name in feed


def _literal_verbs() -> set[str]:
    """Verbs written out in the services: `record(actor, "x.y", …)`."""
    pattern = re.compile(r'record\(\s*[^,()]+,\s*"([a-z_]+\.[a-z_]+)"')
    verbs = set()
    for path in SOURCE.rglob("*.py"):
        verbs |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return verbs


def test_every_verb_has_a_label():
    verbs = (
        _literal_verbs() | set(HAZARD_VERBS.values()) | set(RISK_VERBS.values()) | set(LETTER_VERBS.values())
    )
    verbs |= {
        f"training.{kind}_{action}" for kind in ("campaign", "course") for action in CONTENT_TRANSITIONS
    }
    verbs |= {"unit.renamed", "unit.updated", "unit.activated", "unit.deactivated", "user.activated"}
    verbs |= {"user.deactivated", "privacy.revealed"}
    assert len(verbs) > 80
    missing = sorted(v for v in verbs if audit_render.verb_of(v) is None)
    assert not missing, missing


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_every_recorded_key_has_a_label(lang, course, pupils, safety, county, school):  # noqa: F811
    """Each key the services record (units, accounts, roster imports, training content, risks,
    hazards, letters) is labelled, never shown by its code."""
    point = k1_points()["major"]
    hazard, _created = hazard_services.report(
        school, actor=safety, data={"category": "fire", "location": "一楼", "description": "灭火器过期"}
    )
    hazard_services.act(hazard, actor=safety, action="confirm", data={})
    supervision_services.issue_letter(school, actor=county, data={
        "kind": "reminder", "hazards": [hazard.pk], "body": "请整改。",
        "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat()})  # fmt: skip
    seen: dict[tuple[str, str], AuditEvent] = {}
    for event in AuditEvent.objects.order_by("id"):
        for key in {*(event.before or {}), *(event.after or {})}:
            seen.setdefault((event.verb, key), event)
    assert len(seen) > 100 and ("risk.identified", "factors") in seen and point
    with translation.override(lang):
        rendered = audit_render.entries(list({e.pk: e for e in seen.values()}.values()))
    raw = sorted(
        {(e.event.verb, r.label) for e in rendered for r in e.rows if re.fullmatch(r"[a-z_]+", r.label)}
    )
    assert not raw, raw
    assert all(e.label != e.event.verb for e in rendered)
