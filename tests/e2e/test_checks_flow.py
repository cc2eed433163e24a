"""The check loop in the browser: demo_guard, on a 375 px phone, does today's gate routine with
one failed item (photo and note), sees the task done with a link to the hazard raised, then scans
two checkpoints of the open patrol round by typing their codes; demo_safety (desktop) finds the
new hazard in the to-confirm queue, located at the check; demo_county sees the school's done
count and completion change on the check statistics. In English and in Chinese, with
screenshots."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.utils import timezone
from PIL import Image

from safecampus.accounts.models import User
from safecampus.checks import schedules
from safecampus.checks import stats as check_stats
from safecampus.checks.generate import ensure_tasks
from safecampus.checks.models import Answer, ChecklistTemplate, Task, TaskStatus, TemplateItem
from safecampus.core.models import Unit
from safecampus.hazards.models import Hazard
from safecampus.patrols import queries as patrol_queries
from safecampus.patrols import services as patrol_services
from safecampus.patrols.demo import ROUTE
from safecampus.patrols.models import Checkpoint, PatrolRoute

from .test_foundation_flow import SIZES, _login

pytestmark = pytest.mark.e2e

SCHOOL, COUNTY = "demo-c1-k1-s1", "demo-c1-k1"


def _minutes_ago(minutes: int) -> str:
    """A time of today `minutes` ago as HH:MM (midnight if that is still yesterday)."""
    now = timezone.localtime()
    then = now - dt.timedelta(minutes=minutes)
    return then.strftime("%H:%M") if then.date() == now.date() else "00:00"


@pytest.fixture
def gate_task(live_demo, settings, tmp_path) -> Task:
    """demo_guard's gate routine open now, made as the demo's own 'today' routine is: a schedule
    through the schedule service, the day's task through the generator."""
    settings.MEDIA_ROOT = tmp_path / "media"
    school = Unit.objects.get(code=SCHOOL)
    operator = User.objects.get(username="demo_operator")
    template = ChecklistTemplate.objects.get(unit=school.get_root(), code="gate_daily")
    today = timezone.localdate()
    schedule = schedules.create_schedule(
        school,
        actor=operator,
        data={
            "template": template.pk,
            "title": "门卫到校检查（E2E）",
            "post_role": "guard",
            "rule": {"kind": "dates", "dates": [today.isoformat()], "times": [_minutes_ago(5)],
                     "school_days_only": False},
            "duration_minutes": 180,
            "grace_minutes": 60,
        },
    )  # fmt: skip
    cache.clear()
    ensure_tasks(school, today)
    return Task.objects.get(schedule=schedule, day=today)


@pytest.fixture
def patrol_route(live_demo) -> PatrolRoute:
    """The demo route, with a round open now: the demo opens one at the hour it is built, which
    may be long over when this test runs; then the route gets a window starting ten minutes ago
    through the route service (which makes today's rounds)."""
    school = Unit.objects.get(code=SCHOOL)
    route = PatrolRoute.objects.get(unit=school, name=ROUTE)
    guard = User.objects.get(username="demo_guard")
    if not patrol_queries.open_now(patrol_queries.today_rounds_for_guard(guard)):
        principal = User.objects.get(username="demo_principal")
        patrol_services.update_route(route, actor=principal, data={
            "name": route.name, "windows": [*route.windows, _minutes_ago(10)],
            "round_minutes": max(route.round_minutes, 60), "ordered": route.ordered,
            "min_seconds_between": route.min_seconds_between, "boarding": route.boarding, "active": True,
        })  # fmt: skip
    assert patrol_queries.open_now(patrol_queries.today_rounds_for_guard(guard))
    return route


@pytest.fixture
def jpeg(tmp_path) -> str:
    path = tmp_path / "broken-fork.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), "#c0392b").save(buf, "JPEG")
    path.write_bytes(buf.getvalue())
    return str(path)


def _page(browser, base: str, size: str, lang: str, user: str):
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN" if lang == "zh-hans" else "en-US")
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


def _county_figures(page, base: str, school: Unit) -> tuple[str, str, str]:
    """The county's done count and completion, and the school's row in the ranking ("" if absent)."""
    page.goto(f"{base}/checks/stats/?unit={COUNTY}")
    page.wait_for_load_state("networkidle")
    row = page.locator("#children-table tbody tr", has=page.locator(f"a:text-is('{school.name}')"))
    return (
        page.inner_text("#fig-done").strip(),
        page.inner_text("#fig-completion").strip(),
        row.inner_text() if row.count() else "",
    )


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_gate_check_patrol_and_statistics(browser, live_demo, shot, gate_task, patrol_route, jpeg, lang):
    base = live_demo.url
    tag = "zh" if lang == "zh-hans" else "en"
    school = gate_task.unit
    items = list(TemplateItem.objects.filter(version_id=gate_task.version_id).order_by("order"))
    failing = next(i for i in items if i.photo_required_on_fail)

    # demo_county's figures before the guard's check.
    context, page, errors, bad = _page(browser, base, "desktop", lang, "demo_county")
    done_before, completion_before, row_before = _county_figures(page, base, school)
    before = check_stats.read_one(school)
    context.close()

    # demo_guard does the gate routine on a phone.
    context, page, errors, bad = _page(browser, base, "phone", lang, "demo_guard")
    page.goto(f"{base}/checks/tasks/")
    link = page.locator(f"#tasks-open a[href='/checks/tasks/{gate_task.pk}/']")
    assert link.count() == 1
    _no_overflow(page)
    shot(page, f"checks-my-tasks-phone-{tag}")
    link.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/checks/tasks/{gate_task.pk}/")
    if lang == "zh-hans":
        body = page.inner_text("main")
        assert "合格" in body and "不合格" in body, body[:400]
    for item in items:
        card = page.locator(f".ck-item[data-item='{item.pk}']")
        if item.answer_kind == "number":
            low = item.min_value if item.min_value is not None else item.max_value
            card.locator(".ck-value").fill(str(low if low is not None else 0))
        elif item.answer_kind == "text":
            card.locator(".ck-value").fill("正常")
        if item.pk == failing.pk:
            card.locator("[data-result=fail]").click()
            card.locator(".ck-photo").set_input_files(jpeg)
            card.locator(".ck-thumbs .bi-camera-fill").wait_for()
            assert "× 1" in card.locator(".ck-thumbs").inner_text()
            card.locator(".ck-note").fill("钢叉缺一把，已报告")
        else:
            card.locator("[data-result=pass]").click()
        assert "active" in (card.locator(f"[data-result={'fail' if item.pk == failing.pk else 'pass'}]")
                            .get_attribute("class") or "")  # fmt: skip
    _no_overflow(page)
    shot(page, f"checks-task-answered-phone-{tag}")
    with page.expect_navigation():
        page.click("#submit-check")
    page.wait_for_load_state("networkidle")
    gate_task.refresh_from_db()
    assert gate_task.status == TaskStatus.DONE and gate_task.done_by.username == "demo_guard"
    failed = Answer.objects.get(task=gate_task, item=failing)
    assert failed.result == "fail" and failed.hazard_id and failed.photos.count() == 1
    assert Answer.objects.filter(task=gate_task).exclude(hazard=None).count() == 1
    hazard = Hazard.objects.get(pk=failed.hazard_id)
    assert page.locator("#task-status .badge.text-bg-success").count() == 1
    hazard_link = page.locator(f"a.ck-hazard-link[href='/hazards/{hazard.pk}/']")
    assert hazard_link.count() == 1
    assert page.locator(f".ck-item[data-item='{failing.pk}'] img").count() == 1
    if lang == "zh-hans":
        assert "已完成" in page.inner_text("#task-status")
    _no_overflow(page)
    shot(page, f"checks-task-done-phone-{tag}")

    # The guard then scans two checkpoints of the open round, typing the codes under the QR.
    page.goto(f"{base}/patrols/today/")
    page.wait_for_load_state("networkidle")
    open_round = page.locator(".pt-open").first
    assert open_round.count() == 1
    points = list(Checkpoint.objects.filter(route=patrol_route, active=True).order_by("order")[:2])
    for point in points:
        page.fill("#manual-code", point.code)
        page.click("#manual-submit")
        page.wait_for_selector(f"#point-{point.pk}.pt-done .pt-tick.bi-check-circle-fill")
    assert page.locator(".pt-open .pt-done").count() >= 2
    assert "2" in open_round.locator(".pt-count").inner_text()
    tick = page.locator(f"#point-{points[0].pk} .pt-tick")
    assert tick.get_attribute("aria-label") == ("已扫码" if lang == "zh-hans" else "Scanned")
    if lang == "zh-hans":
        assert "巡" in page.inner_text("#page-title")
        assert "查看" not in page.inner_text("#today-rounds")  # a round's status, not the verb
    _no_overflow(page)
    shot(page, f"patrols-today-phone-{tag}")
    assert not errors, errors
    assert not bad, bad
    context.close()
    assert set(patrol_route.checkpoints.filter(scans__scanned_by__username="demo_guard",
                                               scans__round__status="open").values_list("pk", flat=True)) \
        >= {p.pk for p in points}  # fmt: skip

    # demo_safety sees the new hazard to confirm, located at the check.
    context, page, errors, bad = _page(browser, base, "desktop", lang, "demo_safety")
    page.goto(f"{base}/hazards/confirm/")
    row = page.locator(f"tr[data-id='{hazard.pk}']")
    assert row.count() == 1
    assert gate_task.title in row.inner_text()
    shot(page, f"checks-hazard-to-confirm-desktop-{tag}")
    row.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    assert "钢叉缺一把" in page.inner_text("main")
    assert not errors, errors
    assert not bad, bad
    context.close()

    # demo_county sees the school's figures change.
    after = check_stats.read_one(school)
    assert after.done == before.done + 1 and after.failed_items == before.failed_items + 1
    context, page, errors, bad = _page(browser, base, "desktop", lang, "demo_county")
    done_after, completion_after, row_after = _county_figures(page, base, school)
    assert int(done_after) == int(done_before) + 1
    assert completion_after != completion_before or completion_before.startswith("100")
    assert row_after and row_after != row_before
    assert str(after.done) in row_after
    shot(page, f"checks-stats-county-desktop-{tag}")
    assert not errors, errors
    assert not bad, bad
    context.close()
