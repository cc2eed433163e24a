"""The 1530 talk in the browser: demo_teacher, on a 375 px phone, follows the home page's "today"
card to /talks/, finds today's talk due for 三年级1班 with the suggested topic prefilled, first
enters fewer minutes than the talk takes (the translated error in place, nothing recorded), then
records it and sees it done; demo_principal (desktop) finds the class's row of the school's 1530
statistics with one more talk done and its rate changed, and opens the class's register of the
month with today's record. In English and in Chinese, with screenshots.

Today is made a school day the way the product allows when the calendar says it is not (a
weekend, a holiday, outside the terms): the school's own calendar, saved through the schoolcal
service, with today inside a term, out of any holiday and — on a weekend — a make-up working day;
then `talks.settle` writes today's due talks, as the evening job does."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone, translation

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.core.policy import policy_for
from safecampus.roster.importing import current_school_year
from safecampus.roster.models import Grade, SchoolClass
from safecampus.schoolcal import services as cal_services
from safecampus.schoolcal.calendar import academic_year, calendar_for
from safecampus.schoolcal.models import Calendar
from safecampus.talks import due, queries, settle, stats, topics
from safecampus.talks.models import Talk, TalkDue
from safecampus.training_stats.templatetags.stats_tags import pct

from .test_foundation_flow import SIZES, _login

pytestmark = pytest.mark.e2e

SCHOOL = "demo-c1-k1-s1"


def _make_school_day(school: Unit, actor: User, day: dt.date) -> None:
    """Make `day` a school day at `school` through its own calendar (schoolcal service), keeping
    the rest of the calendar it inherits; nothing is changed when it is one already."""
    cal = calendar_for(school, on=day)
    if cal.is_school_day(day):
        return
    year = academic_year(day)
    data = cal.years.get(year)
    terms = [{"name": t.name, "start": t.start, "end": t.end} for t in (data.terms if data else ())]
    holidays = [{"name": h.name, "start": h.start, "end": h.end} for h in (data.holidays if data else ())
                if not h.start <= day <= h.end]  # fmt: skip
    makeup = [{"date": d} for d in (data.makeup_days if data else ())]
    if not any(t["start"] <= day <= t["end"] for t in terms):
        terms.append({"name": "E2E", "start": day, "end": day})  # between terms: a one-day term
    if day.weekday() >= 5 and day not in {m["date"] for m in makeup}:
        makeup.append({"date": day, "note": "E2E"})
    cal_services.save_calendar(school, year, actor=actor, terms=terms, holidays=holidays, makeup_days=makeup)
    assert calendar_for(school, on=day).is_school_day(day)


def _class(school: Unit, teacher: User, level: int, number: int) -> SchoolClass:
    year = current_school_year(timezone.localdate())
    grade = Grade.objects.filter(unit=school, school_year=year, level=level).first()
    if grade is None:
        grade = Grade(school_year=year, level=level, name=f"{'一二三四五六'[level - 1]}年级")
        grade.set_unit(school)
        grade.save()
    klass = SchoolClass(grade=grade, number=number, name=f"{number}班", head_teacher=teacher)
    klass.set_unit(school)
    klass.save()
    return klass


@pytest.fixture
def talk_day(live_demo, settings, tmp_path) -> SchoolClass:
    """三年级1班 (demo_teacher's; the test schools start without a roster) and a sibling class,
    with today a school day and settled: a talk is due for both."""
    settings.MEDIA_ROOT = tmp_path / "media"
    school = Unit.objects.get(code=SCHOOL)
    teacher = User.objects.get(username="demo_teacher")
    principal = User.objects.get(username="demo_principal")
    today = timezone.localdate()
    _make_school_day(school, principal, today)
    klass = _class(school, teacher, 3, 1)
    _class(school, None, 3, 2)
    assert settle.settle(today, under=school) >= 2
    assert TalkDue.objects.filter(class_id=klass.pk, date=today).exists()
    cache.clear()
    return klass


def _page(browser, base: str, size: str, lang: str, user: str):
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN" if lang == "zh-hans" else "en-US",
                                  is_mobile=size == "phone", has_touch=size == "phone")  # fmt: skip
    context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    bad: list[str] = []
    page.on("response", lambda r: bad.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    _login(page, base, user)
    return context, page, errors, bad


def _no_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES["phone"]["width"], f"horizontal overflow: {width}px at {page.url}"


def _class_row(page, klass: SchoolClass) -> list[str]:
    """The class's row of the statistics table: name, due, done, rate, missed."""
    row = page.locator("#children-table tbody tr", has=page.locator(f"a.child-link:text-is('{klass}')"))
    assert row.count() == 1, page.inner_text("#children-table")
    return [c.strip() for c in row.locator("th, td").all_inner_texts()]


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_teacher_records_today_principal_sees_it(browser, live_demo, shot, talk_day, lang):
    base = live_demo.url
    tag = "zh" if lang == "zh-hans" else "en"
    klass = talk_day
    school = klass.unit
    today = timezone.localdate()
    expected = due.due_on(calendar_for(school, on=today), today, policy_for(school, today))
    assert expected is not None
    with translation.override(lang):
        suggested = topics.suggested_topic(school, today)
        too_few = (
            translation.gettext("This talk takes at least %(n)s minutes.") % {"n": expected.minutes}
            if expected.minutes > 1
            else translation.gettext("Enter between 1 and %(n)s minutes.") % {"n": 240}
        )
        title = translation.gettext("Today's 1530 talk")
        done_label = translation.pgettext("talks", "Done")
    assert suggested
    key = (school.pk, klass.grade_id, klass.pk)
    month = today.year * 100 + today.month
    before = stats.read([key], {school.pk: school.path}, month, month)[key]
    assert before.due >= 1

    # demo_teacher, on her phone: the home page's card leads to today's talk.
    context, page, errors, bad = _page(browser, base, "phone", lang, "demo_teacher")
    card = page.locator("a[data-today='talks.open_today']")
    assert card.count() == 1
    assert card.locator(".fs-4").inner_text().strip() == "1"
    shot(page, f"talks-home-card-phone-{tag}")
    card.click()
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/").endswith("/talks")
    talk_card = page.locator(f"#talk-{klass.pk}")
    assert talk_card.count() == 1
    assert str(klass) in talk_card.locator(".card-header").inner_text()
    assert page.locator(".talk-card").count() == 1  # the sibling class is not hers
    assert page.locator("#missed").count() == 0  # a new class: nothing settled before today
    topic = talk_card.locator(f"#topic-{klass.pk}")
    minutes = talk_card.locator(f"#minutes-{klass.pk}")
    assert topic.input_value() == suggested
    assert minutes.input_value() == str(expected.minutes)
    assert page.inner_text("main h1").strip() == title
    _no_overflow(page)
    shot(page, f"talks-today-phone-{tag}")

    # Too few minutes: the translated error at the field, the entry kept, nothing recorded.
    minutes.fill(str(expected.minutes - 1))
    topic.fill("防溺水：不私自下水游泳")
    with page.expect_navigation():
        talk_card.locator(".record-talk").click()
    page.wait_for_load_state("networkidle")
    talk_card = page.locator(f"#talk-{klass.pk}")
    feedback = talk_card.locator(f"#minutes-{klass.pk} ~ .invalid-feedback")
    assert feedback.inner_text().strip() == too_few
    assert "is-invalid" in (talk_card.locator(f"#minutes-{klass.pk}").get_attribute("class") or "")
    assert talk_card.locator(f"#topic-{klass.pk}").input_value() == "防溺水：不私自下水游泳"
    assert not Talk.objects.filter(school_class=klass).exists()
    assert stats.read([key], {school.pk: school.path}, month, month)[key] == before
    _no_overflow(page)
    shot(page, f"talks-today-error-phone-{tag}")

    # Recorded: done, with the topic and the minutes.
    talk_card.locator(f"#minutes-{klass.pk}").fill(str(expected.minutes + 1))
    talk_card.locator(f"#note-{klass.pk}").fill("结合近期天气提醒")
    with page.expect_navigation():
        talk_card.locator(".record-talk").click()
    page.wait_for_load_state("networkidle")
    talk = Talk.objects.get(school_class=klass, date=today)
    assert talk.topic == "防溺水：不私自下水游泳" and talk.minutes == expected.minutes + 1
    assert talk.kind == expected.kind and talk.on_day and talk.recorded_by.username == "demo_teacher"
    talk_card = page.locator(f"#talk-{klass.pk}")
    assert talk_card.locator(".talk-done").count() == 1
    assert talk_card.locator("form").count() == 0
    assert "防溺水：不私自下水游泳" in talk_card.inner_text()
    assert page.locator(".alert-success").count() == 1
    assert talk_card.locator(".talk-done").inner_text().strip() == done_label
    _no_overflow(page)
    shot(page, f"talks-today-done-phone-{tag}")
    page.goto(base)
    assert page.locator("a[data-today='talks.open_today'] .fs-4").inner_text().strip() == "0"
    assert not errors, errors
    assert not bad, bad
    context.close()

    # demo_principal (desktop): the class's row of the school's statistics, then its register.
    after = stats.read([key], {school.pk: school.path}, month, month)[key]
    assert after.done == before.done + 1 and after.due == before.due
    context, page, errors, bad = _page(browser, base, "desktop", lang, "demo_principal")
    page.goto(f"{base}/talks/stats/?unit={SCHOOL}")
    page.wait_for_load_state("networkidle")
    name, due_cell, done_cell, rate_cell, _missed = _class_row(page, klass)
    assert name == str(klass)
    assert (int(due_cell), int(done_cell)) == (after.due, before.done + 1)
    assert rate_cell == pct(after.rate) != pct(before.rate)
    assert int(page.inner_text("#fig-done").strip()) >= 1
    shot(page, f"talks-stats-school-desktop-{tag}")
    page.locator("#children-table a.child-link", has_text=str(klass)).click()
    page.wait_for_load_state("networkidle")
    assert f"/talks/classes/{klass.pk}/" in page.url
    # The date column reads "m-d" and the weekday.
    dates = page.locator("#register-table tbody tr td:first-child").all_inner_texts()
    at = [i for i, d in enumerate(dates) if d.strip().startswith(f"{today:%m-%d}")]
    assert len(at) == 1, dates
    row = page.locator("#register-table tbody tr").nth(at[0])
    text = row.inner_text()
    assert "防溺水：不私自下水游泳" in text and str(expected.minutes + 1) in text
    assert "结合近期天气提醒" in text
    assert "张丽" in text  # recorded by (the desktop shows the column)
    last = today.replace(day=monthrange(today.year, today.month)[1])
    days = queries.register_days(klass, today.replace(day=1), last)
    missed = sum(1 for r in days if r.missed)
    with translation.override(lang):
        summary = translation.gettext("%(done)s of %(due)s talks given so far, %(missed)s missed.") % {
            "done": 1,
            "due": 1 + missed,
            "missed": missed,
        }
    assert page.inner_text("#register-summary").strip() == summary
    shot(page, f"talks-register-desktop-{tag}")
    assert not errors, errors
    assert not bad, bad
    context.close()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "school_day"),
    [
        (dt.date(2026, 12, 5), False),  # a Saturday in term
        (dt.date(2026, 10, 5), False),  # a Monday of the National Day holiday
        (dt.date(2027, 2, 10), False),  # a Wednesday of the winter vacation (between the terms)
        (dt.date(2026, 8, 15), False),  # a Saturday of the summer vacation (before the first term)
        (dt.date(2026, 12, 2), True),  # a school day already: nothing changed
    ],
)
def test_any_day_made_a_school_day(demo, principal, head_teacher, day, school_day):
    """The fixture's way to have a talk due today, on the days a session may fall on."""
    school = Unit.objects.get(code=SCHOOL)
    with time_machine.travel(dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC), tick=False):
        assert calendar_for(school, on=day).is_school_day(day) is school_day
        _make_school_day(school, principal, day)
        assert Calendar.objects.filter(unit=school).exists() is not school_day
        klass = _class(school, head_teacher, 3, 1)
        assert due.due_on(calendar_for(school, on=day), day, policy_for(school, day)) is not None
        assert settle.settle(day, under=school) == 1
        assert TalkDue.objects.filter(class_id=klass.pk, date=day).exists()


def test_a_talk_recorded_offline_is_sent_when_the_network_is_back(browser, live_demo, shot, talk_day):
    """No network on the phone: the talk is kept on it (nothing reaches the server), the page
    says so; the network back, it is sent once and the card shows it done."""
    base = live_demo.url
    klass = talk_day
    context, page, errors, bad = _page(browser, base, "phone", "zh-hans", "demo_teacher")
    page.goto(f"{base}/talks/")
    card = page.locator(f"#talk-{klass.pk}")
    card.locator(f"#topic-{klass.pk}").fill("离线记录：交通安全")
    context.set_offline(True)
    card.locator(".record-talk").click()
    status = page.locator("#talk-offline-status")
    status.wait_for(state="visible")
    with translation.override("zh-hans"):
        assert status.inner_text().strip() == translation.gettext(
            "No network: the talk is kept on this phone and sent when the network is back."
        )
    assert not Talk.objects.filter(school_class=klass).exists()
    assert "talk-queued" in (card.get_attribute("class") or "")
    _no_overflow(page)
    shot(page, "talks-offline-kept-phone-zh")
    with page.expect_navigation():  # back online: sent, then the page reloads
        context.set_offline(False)
    page.wait_for_load_state("networkidle")
    talk = Talk.objects.get(school_class=klass)
    assert talk.topic == "离线记录：交通安全" and talk.recorded_by.username == "demo_teacher"
    assert page.locator(f"#talk-{klass.pk} .talk-done").count() == 1
    page.evaluate("window.dispatchEvent(new Event('online'))")  # a second sending changes nothing
    page.wait_for_timeout(500)
    assert Talk.objects.filter(school_class=klass).count() == 1
    shot(page, "talks-offline-sent-phone-zh")
    context.close()
    assert not errors, errors
    assert not bad, bad
