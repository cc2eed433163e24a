"""The hazard loop in the browser: demo_safety reports a hazard with a photo from a phone,
demo_principal confirms and assigns it to demo_teacher, who starts and submits with an evidence
photo, and demo_safety verifies and closes it. Screenshots of the report form, the detail page,
the to-do list, the ledger and the county's overdue board, on a phone and a desktop, in Chinese
and English."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from safecampus.core.models import Unit
from safecampus.hazards.demo import load_demo_hazards
from safecampus.hazards.models import Hazard, Status

from .test_foundation_flow import SIZES, _login

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_hazards(live_demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo_hazards()
    return Unit.objects.get(code="demo-c1-k1-s1")


@pytest.fixture
def jpeg(tmp_path):
    def make(name: str, colour: str) -> str:
        path = tmp_path / name
        buf = io.BytesIO()
        Image.new("RGB", (640, 480), colour).save(buf, "JPEG")
        path.write_bytes(buf.getvalue())
        return str(path)

    return make


def _page(browser, base: str, size: str, lang: str, user: str):
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, base, user)
    return context, page, errors


@pytest.mark.parametrize(
    ("size", "lang"), [("phone", "zh-hans"), ("phone", "en"), ("desktop", "zh-hans"), ("desktop", "en")]
)
def test_hazard_closed_loop(browser, live_demo, shot, demo_hazards, jpeg, size, lang):
    base, school = live_demo.url, demo_hazards
    tag = f"{size}-{'zh' if lang == 'zh-hans' else 'en'}"
    location = f"E2E 教学楼二楼东侧 {tag}"

    # demo_safety reports, photo first.
    context, page, errors = _page(browser, base, size, lang, "demo_safety")
    page.goto(f"{base}/hazards/")
    shot(page, f"hazards-home-{tag}")
    page.click("#report-hazard")
    page.wait_for_load_state("networkidle")
    page.set_input_files("#id_photos", jpeg("found.jpg", "#c0392b"))
    page.wait_for_selector("#thumbs-found img", state="attached")
    assert len(page.input_value("#id_client_id")) == 36
    page.click("label[for=cat-fire]")
    page.fill("#id_location", location)
    page.fill("#id_description", "灭火器压力表指针在红区")
    shot(page, f"hazards-report-{tag}")
    page.click("#submit-report")
    page.wait_for_load_state("networkidle")
    hazard = Hazard.objects.get(location=location)
    assert page.url.endswith(f"/hazards/{hazard.pk}/")
    assert page.locator("#photos-found img").count() == 1
    assert not errors, errors
    context.close()

    # demo_principal confirms and assigns it to demo_teacher.
    context, page, errors = _page(browser, base, size, lang, "demo_principal")
    page.goto(f"{base}/hazards/confirm/")
    page.click(f"tr[data-id='{hazard.pk}'] a")
    page.click("#do-confirm")
    page.wait_for_load_state("networkidle")
    page.select_option("#assign-rectifier", label="张丽")
    page.fill("#assign-measures", "更换灭火器并检查同层其他灭火器")
    shot(page, f"hazards-assign-{tag}")
    page.click("#do-assign")
    page.wait_for_load_state("networkidle")
    hazard.refresh_from_db()
    assert hazard.status == Status.ASSIGNED and hazard.rectifier.username == "demo_teacher"
    context.close()

    # demo_teacher starts and submits with an evidence photo.
    context, page, errors = _page(browser, base, size, lang, "demo_teacher")
    page.goto(f"{base}/hazards/todo/")
    shot(page, f"hazards-todo-{tag}")
    page.click(f"tr[data-id='{hazard.pk}'] a")
    page.click("#do-start")
    page.wait_for_load_state("networkidle")
    page.set_input_files("#submit-photos", jpeg("after.jpg", "#27ae60"))
    page.fill("#submit-note", "已更换两具灭火器")
    page.click("#do-submit")
    page.wait_for_load_state("networkidle")
    assert page.locator("#hazard-status [data-status]").get_attribute("data-status") == "submitted"
    assert not errors, errors
    context.close()

    # demo_safety verifies: closed.
    context, page, errors = _page(browser, base, size, lang, "demo_safety")
    page.goto(f"{base}/hazards/verify/")
    page.click(f"tr[data-id='{hazard.pk}'] a")
    page.fill("#verify-note", "复查合格")
    page.click("#do-verify")
    page.wait_for_load_state("networkidle")
    assert page.locator("#hazard-status [data-status]").get_attribute("data-status") == "closed"
    assert page.locator("#photos-evidence img").count() == 1
    shot(page, f"hazards-detail-{tag}")
    page.goto(f"{base}/hazards/units/{school.pk}/")
    assert page.locator(f"tr[data-id='{hazard.pk}']").count() == 1
    shot(page, f"hazards-ledger-{tag}")
    assert not errors, errors
    context.close()

    # The county's overdue board.
    context, page, errors = _page(browser, base, size, lang, "demo_county")
    page.goto(f"{base}/hazards/")
    shot(page, f"hazards-county-home-{tag}")
    page.click("#card-overdue")
    page.wait_for_load_state("networkidle")
    assert page.locator("#overdue-table tbody tr").count() >= 1
    shot(page, f"hazards-overdue-{tag}")
    assert not errors, errors
    context.close()
