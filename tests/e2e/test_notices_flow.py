"""A parent letter with a receipt per child, in the browser (issue 19): demo_county writes the
drowning-prevention letter on the office PC and publishes it to the county's parents with a drawn
signature; demo_parent, on a 375 px phone, finds it in the inbox and signs the receipt for
demo_student; the head teacher (demo_teacher) sees the families of her class who have not
confirmed — demo_parent's family before, not after — and the county's confirmation rate rises,
as counts only. Chinese and English, with screenshots."""

from __future__ import annotations

import os
import re
import uuid

import pytest

from safecampus.notices.models import Notice, Receipt
from safecampus.roster.models import Student

from .test_foundation_flow import SIZES, _login

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_family(live_demo, monkeypatch):
    monkeypatch.setitem(os.environ, "SAFECAMPUS_DEMO_CLASS_SIZE", "3")
    from safecampus.roster.demo import load_roster

    load_roster()
    return Student.objects.select_related("school_class").get(user__username="demo_student")


def _page(browser, base: str, lang: str, size: str, who: str):
    context = browser.new_context(viewport=SIZES[size])
    context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    page = context.new_page()
    _login(page, base, who)
    return context, page


def _rate(page) -> float:
    return float(page.locator("#confirm-rate").get_attribute("data-rate") or 0)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_letter_published_signed_on_the_phone_and_counted(browser, live_demo, shot, demo_family, lang):
    base, pupil = live_demo.url, demo_family
    title = f"防溺水告知书 {uuid.uuid4().hex[:6]}"

    # The county officer writes and publishes the letter to the county's parents.
    office, page = _page(browser, base, lang, "desktop", "demo_county")
    page.goto(f"{base}/notices/new/")
    page.fill("#id_title", title)
    page.fill("#id_body", "各位家长：请教育孩子不私自下水游泳，并为每个孩子签署回执。")
    page.select_option("#id_kind", "parent_letter")
    page.select_option("#id_confirm", "receipt")
    page.check("#id_signature")
    page.check("#id_parents")
    shot(page, f"notices-compose-desktop-{lang}")
    page.click("#publish-submit")
    page.wait_for_url("**/notices/*/")
    notice = Notice.objects.get(title=title)
    assert notice.status == "published" and notice.unit.code == "demo-c1-k1"
    page.goto(f"{base}/notices/{notice.pk}/board/")
    before = _rate(page)
    recipients = int(page.locator("#reach-figures").get_attribute("data-recipients"))
    assert recipients > 0
    assert pupil.name not in page.content()  # a bureau sees counts, never families

    # The head teacher sees demo_parent's family among those not confirmed.
    desk, teacher = _page(browser, base, lang, "phone", "demo_teacher")
    class_url = f"{base}/notices/{notice.pk}/class/{pupil.school_class_id}/"
    teacher.goto(class_url)
    assert pupil.name in teacher.locator("#unconfirmed").inner_text()
    shot(teacher, f"notices-class-unconfirmed-phone-{lang}")

    # The parent, on the phone, signs the receipt for the child.
    phone, parent = _page(browser, base, lang, "phone", "demo_parent")
    parent.goto(f"{base}/notices/")
    parent.locator(f'a.notice-card[data-notice="{notice.pk}"][data-child="{pupil.pk}"]').click()
    parent.wait_for_url(re.compile(rf"/notices/{notice.pk}/(#child-{pupil.pk})?$"))
    card = parent.locator(f"#child-{pupil.pk}")
    assert pupil.name in card.inner_text()
    pad = card.locator("canvas.signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    parent.mouse.move(box["x"] + 20, box["y"] + 40)
    parent.mouse.down()
    for step in range(1, 12):
        parent.mouse.move(box["x"] + 20 + step * 22, box["y"] + 40 + (step % 3) * 25)
    parent.mouse.up()
    shot(parent, f"notices-receipt-phone-{lang}")
    assert parent.evaluate("document.documentElement.scrollWidth") <= 375
    card.locator("button[type=submit]").click()
    parent.wait_for_load_state("networkidle")
    receipt = Receipt.objects.get(notice=notice, user__username="demo_parent", child_id=pupil.pk)
    assert receipt.confirmed_at is not None and receipt.signature
    shot(parent, f"notices-receipt-signed-phone-{lang}")
    phone.close()

    # The family leaves the head teacher's list; the county's rate rises.
    teacher.goto(class_url)
    assert pupil.name not in teacher.locator("#class-list").inner_text()
    desk.close()
    page.goto(f"{base}/notices/{notice.pk}/board/")
    assert _rate(page) > before
    assert int(page.locator("#reach-confirmed").inner_text()) >= 1
    shot(page, f"notices-board-desktop-{lang}")
    office.close()
