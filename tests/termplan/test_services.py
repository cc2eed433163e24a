"""Plans from templates dated on school days, the items' transitions, themes, check schedules."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from safecampus.core.errors import Conflict, Invalid, PermissionDenied
from safecampus.core.models import AuditEvent
from safecampus.schoolcal.calendar import calendar_for
from safecampus.termplan import services, templates
from safecampus.termplan.counting import TERMPLANS
from safecampus.termplan.models import ItemKind, ItemStatus, MonthTheme, PlanItem, PlanTemplate, TermPlan
from safecampus.termplan.queries import theme_for

pytestmark = pytest.mark.django_db


def photo() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, "JPEG")
    return SimpleUploadedFile("x.jpg", buf.getvalue(), content_type="image/jpeg")


def test_plan_from_template_dates_items_on_school_days_of_the_term(plan, school):
    cal = calendar_for(school)
    assert (plan.term_start, plan.term_end) == (dt.date(2026, 9, 1), dt.date(2027, 1, 22))
    assert plan.term_key == 20261 and plan.term_kind == "autumn" and plan.status == "draft"
    assert plan.template.code == "school-autumn"  # a primary school: the general template
    items = list(plan.items.all())
    assert len(items) == 22
    for item in items:
        assert plan.term_start <= item.planned_on <= plan.term_end
        assert cal.is_school_day(item.planned_on), item
        assert item.month == item.planned_on.year * 100 + item.planned_on.month
    months = list(plan.themes.values_list("month", flat=True))
    assert months == [202609, 202610, 202611, 202612, 202701]
    # "term_start: 1" is the first school day; "term_end: 1" the last
    titles = {i.title: i.planned_on for i in items}
    assert titles["开学校园安全隐患大排查"] == dt.date(2026, 9, 1)
    assert titles["寒假前安全教育（30分钟）"] == dt.date(2027, 1, 22)
    # 28 September 2026 is a Monday; 3 November a Tuesday
    assert titles["国庆节前安全专项检查"] == dt.date(2026, 9, 28)
    assert titles["元旦假期安全致家长的一封信"] == dt.date(2026, 12, 28)
    # the audit trail and the roll-up deltas came with it
    assert AuditEvent.objects.filter(verb="term_plan.created", target_id=str(plan.pk)).exists()


def test_holidays_and_weekends_are_skipped(in_term, school, principal):
    """An item aimed at the National Day holiday moves to the next school day (8 October); one
    aimed at a Saturday to the Monday; a make-up Saturday (10 October) is a school day."""
    tpl = PlanTemplate.objects.create(code="t-holiday", term_kind="autumn", title_zh="测试",
                                      school_type=school.school_type, content={"months": [
        {"month": 10, "theme_zh": "十月", "items": [
            {"kind": "drill", "day": 1, "title_zh": "国庆当天"},
            {"kind": "meeting", "day": 10, "title_zh": "调休上班日"},
            {"kind": "training", "day": 17, "title_zh": "周六"}]},
        {"month": 8, "theme_zh": "暑假", "items": [{"kind": "talk_topic", "day": 3, "title_zh": "不在学期"}]},
    ]})  # fmt: skip
    plan = services.create_plan(school, actor=principal, template=tpl.pk)
    got = dict(plan.items.values_list("title", "planned_on"))
    assert got == {
        "国庆当天": dt.date(2026, 10, 8),
        "调休上班日": dt.date(2026, 10, 10),
        "周六": dt.date(2026, 10, 19),
    }
    assert list(plan.themes.values_list("month", flat=True)) == [202610]


def test_next_term_and_spring_template(in_term, school, principal):
    plan = services.create_plan(school, actor=principal, which="next")
    assert (plan.term_start, plan.term_key, plan.template.code) == (
        dt.date(2027, 2, 22),
        20262,
        "school-spring",
    )
    assert plan.themes.first().month == 202702  # the spring term starts in February in 2027
    cal = calendar_for(school)
    assert all(cal.is_school_day(d) for d in plan.items.values_list("planned_on", flat=True))


def test_kindergarten_gets_its_own_template(in_term, demo, principal):
    from safecampus.core.models import Unit

    assert templates.templates_for("kindergarten", "autumn")[0].code == "kindergarten-autumn"
    assert templates.templates_for("kindergarten", "spring")[0].code == "kindergarten-spring"
    assert templates.templates_for("primary", "autumn")[0].code == "school-autumn"
    assert [t.code for t in templates.templates_for("junior", "spring")] == ["school-spring"]
    assert Unit.objects.get(code="demo-c1-k1-s3").school_type == "kindergarten"


def test_bad_input_changes_nothing(plan, school, principal, county, guard):
    n = TermPlan.objects.count()
    with pytest.raises(Invalid) as e:
        services.create_plan(school, actor=principal)  # the term has one already
    assert e.value.field == "which"
    with pytest.raises(Invalid):
        services.create_plan(school, actor=principal, which="later")
    with pytest.raises(Invalid) as e:
        services.create_plan(school, actor=principal, which="next", template=999999)
    assert e.value.field == "template"
    with pytest.raises(PermissionDenied):
        services.create_plan(school, actor=guard, which="next")
    with pytest.raises(PermissionDenied):  # the county reads, the school writes its plan
        services.create_plan(school, actor=county, which="next")
    assert TermPlan.objects.count() == n
    item = plan.items.first()
    for data, field in (({"kind": "x", "title": "a", "planned_on": "2026-09-20"}, "kind"),
                        ({"kind": "drill", "title": " ", "planned_on": "2026-09-20"}, "title"),
                        ({"kind": "drill", "title": "a", "planned_on": "2027-03-01"}, "planned_on"),
                        ({"kind": "drill", "title": "a", "planned_on": "soon"}, "planned_on")):  # fmt: skip
        with pytest.raises(Invalid) as e:
            services.update_item(item, actor=principal, data=data)
        assert e.value.field == field
    with pytest.raises(Invalid) as e:
        services.mark_done(item, actor=principal, note="")
    assert e.value.field == "note"
    with pytest.raises(Invalid) as e:
        services.mark_done(item, actor=principal, note="ok", done_on="2026-12-01")
    assert e.value.field == "done_on"
    with pytest.raises(Invalid) as e:
        services.mark_done(item, actor=principal, file=SimpleUploadedFile("a.jpg", b"not an image"))
    assert e.value.field == "file"
    with pytest.raises(Conflict):
        services.summarise(item, actor=principal, summary="总结")
    item.refresh_from_db()
    assert item.status == ItemStatus.PLANNED and not item.evidence_note and not item.evidence_file


def test_transitions_done_summarised_reopen(plan, safety):
    item = plan.items.order_by("planned_on").first()
    done, created = services.mark_done(item, actor=safety, note="召开会议，全体教职工参加", file=photo(),
                                       client_id="8f0c0f5e-1111-4a4a-9999-000000000001")  # fmt: skip
    assert created and done.status == ItemStatus.DONE and done.evidence_type == "image/jpeg"
    assert done.done_on == dt.date(2026, 9, 10) and done.done_by == safety
    again, created = services.mark_done(item, actor=safety, note="again",
                                        client_id="8f0c0f5e-1111-4a4a-9999-000000000001")  # fmt: skip
    assert not created and again.pk == item.pk and again.evidence_note == "召开会议，全体教职工参加"
    with pytest.raises(Conflict):
        services.mark_done(done, actor=safety, note="twice")
    back = services.reopen(done, actor=safety)
    assert back.status == ItemStatus.PLANNED and not back.evidence_file
    done, _ = services.mark_done(back, actor=safety, note="重新完成")
    summed, created = services.summarise(
        done, actor=safety, summary="效果良好", client_id="8f0c0f5e-2222-4a4a-9999-000000000001"
    )
    assert created and summed.status == ItemStatus.SUMMARISED and summed.summary == "效果良好"
    with pytest.raises(Conflict):
        services.reopen(summed, actor=safety)
    verbs = list(
        AuditEvent.objects.filter(target_id=str(item.pk), verb__startswith="plan_item.").values_list(
            "verb", flat=True
        )
    )
    assert sorted(verbs) == sorted(
        ["plan_item.done", "plan_item.reopened", "plan_item.done", "plan_item.summarised"]
    )


def test_publish_and_theme_for(plan, school, principal):
    day = dt.date(2026, 9, 10)
    assert theme_for(school, day) is None  # a draft suggests nothing
    services.set_plan_status(plan, actor=principal, action="publish")
    assert theme_for(school, day) == "Back-to-school safety month: traffic and the way to and from school"
    with translation.override("zh-hans"):
        assert theme_for(school, day) == "开学安全教育月：交通安全与上下学安全"
    assert theme_for(school, dt.date(2026, 8, 20)) is None  # before the term
    theme = MonthTheme.objects.get(plan=plan, month=202610)
    services.update_theme(theme, actor=principal, data={"theme": "  食品安全月 ", "summary": "已总结"})
    assert theme_for(school, dt.date(2026, 10, 12)) == "食品安全月"  # the English text was the old one
    with pytest.raises(Invalid):
        services.update_theme(theme, actor=principal, data={"theme": ""})
    with pytest.raises(Conflict):
        services.set_plan_status(plan, actor=principal, action="publish")
    services.set_plan_status(plan, actor=principal, action="withdraw")
    assert theme_for(school, day) is None


def test_special_check_item_creates_a_check_schedule(plan, school, safety):
    from safecampus.checks.models import Schedule
    from safecampus.checks.queries import usable_at

    checklist = usable_at(school).first()
    item = plan.items.filter(kind=ItemKind.SPECIAL_CHECK, planned_on__gt=dt.date(2026, 9, 10)).first()
    linked = services.create_check_schedule(item, actor=safety, template=checklist.pk)
    schedule = Schedule.objects.get(pk=linked.schedule_id)
    assert schedule.unit == school and schedule.rule["kind"] == "dates"
    assert schedule.rule["dates"] == [item.planned_on.isoformat()]
    assert AuditEvent.objects.filter(verb="check_schedule.created", target_id=str(schedule.pk)).exists()
    with pytest.raises(Conflict):
        services.create_check_schedule(linked, actor=safety, template=checklist.pk)
    talk = plan.items.filter(kind=ItemKind.TALK_TOPIC).first()
    with pytest.raises(Invalid):
        services.create_check_schedule(talk, actor=safety, template=checklist.pk)
    other = plan.items.filter(
        kind=ItemKind.SPECIAL_CHECK, schedule__isnull=True, planned_on__gt=dt.date(2026, 9, 10)
    ).first()
    with pytest.raises(Invalid):  # not a checklist the school reads
        services.create_check_schedule(other, actor=safety, template=999999)
    other.refresh_from_db()
    assert other.schedule_id is None


def test_roll_up_equals_a_recount(plan, safety, school):
    items = list(plan.items.order_by("planned_on")[:3])
    services.mark_done(items[0], actor=safety, note="a")
    services.mark_done(items[1], actor=safety, note="b")
    services.summarise(items[1], actor=safety, summary="s")
    drift = TERMPLANS.reconcile()
    assert drift.clean, drift
    from safecampus.termplan import stats

    t = stats.read_one(school, 20261)
    assert (t.plans, t.items, t.done, t.summarised, t.schools) == (1, 22, 2, 1, 1)
    assert t.done == PlanItem.objects.filter(plan=plan, status__in=("done", "summarised")).count()


def test_every_shipped_template_dates_its_items_on_school_days(demo, school):
    """Each data file against each term of the policy calendar: every item on a school day of the
    term, every theme a month of the term; nothing lost but items of months the term misses."""
    templates.ensure_defaults(force=True)
    cal = calendar_for(school, on=dt.date(2026, 9, 1))
    terms = cal.terms(dt.date(2025, 9, 1), dt.date(2027, 7, 1))
    assert len(terms) == 4
    for term in terms:
        for tpl in PlanTemplate.objects.filter(term_kind=templates.term_kind(term)):
            dated = templates.date_items(tpl, term, cal)
            assert dated, (tpl.code, term)
            assert all(cal.is_school_day(d.planned_on) and d.planned_on in term for d in dated), (
                tpl.code,
                term,
            )
            wanted = sum(len(m.get("items") or []) for m in tpl.months)
            assert len(dated) == wanted, (tpl.code, term)
            assert set(templates.themes_in_term(tpl, term, cal)) <= set(templates.months_of(term))
