"""Pickups at dismissal, in the browser (issue 18): demo_guard, on a 375 px phone, opens the
dismissal page from "Pickups", finds demo_student by name, sees the authorised people with their
photos, taps the grandmother (authorised until Friday) and the pickup is recorded; for a second
pupil the neighbour whose authorisation expired is refused and the parents are told. Chinese and
English, with screenshots."""

from __future__ import annotations

import os

import pytest

from safecampus.inbox.models import Notification
from safecampus.pickups.models import Pickup, PickupPerson
from safecampus.roster.models import Student

from .test_foundation_flow import SIZES, _login

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_pickups(live_demo, monkeypatch):
    monkeypatch.setitem(os.environ, "SAFECAMPUS_DEMO_CLASS_SIZE", "3")
    from safecampus.pickups.demo import load_pickups_demo
    from safecampus.roster.demo import load_roster

    load_roster()
    load_pickups_demo()
    return Student.objects.select_related("school_class").get(user__username="demo_student")


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_guard_verifies_a_pickup_on_the_phone(browser, live_demo, shot, demo_pickups, lang):
    base, pupil = live_demo.url, demo_pickups
    grandmother = PickupPerson.objects.get(student=pupil, name="王秀兰")
    neighbour = PickupPerson.objects.get(student=pupil, name="赵建国")
    Pickup.objects.filter(student=pupil).delete()
    told = Notification.objects.filter(user__guardianships__student=pupil).count()
    context = browser.new_context(viewport=SIZES["phone"])
    context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    page = context.new_page()
    _login(page, base, "demo_guard")
    page.goto(f"{base}/gate/pickups/")
    page.wait_for_url("**/gate/pickups/schools/*/dismissal/**")
    page.select_option("#dismissal-filter select", str(pupil.school_class_id))
    page.wait_for_load_state("networkidle")
    page.fill("#pupil-search", pupil.name)
    page.press("#pupil-search", "Enter")
    page.wait_for_load_state("networkidle")
    shot(page, f"pickups-dismissal-phone-{lang}")
    page.click(f"#pupil-{pupil.pk}")
    page.wait_for_url(f"**/gate/pickups/pupils/{pupil.pk}/")
    people = page.locator("#authorised")
    assert people.get_by_text("王秀兰").is_visible()
    assert people.locator("img").count() >= 2  # the photos the guard compares
    shot(page, f"pickups-pupil-phone-{lang}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # The neighbour's authorisation ended three days ago: refused, the parents told.
    page.locator("#authorised form").filter(has_text="赵建国").locator("button").click()
    page.wait_for_load_state("networkidle")
    assert "alert-danger" in page.locator("#pickup-result").get_attribute("class")
    refused = Pickup.objects.get(student=pupil, person=neighbour)
    assert refused.allowed is False
    assert Notification.objects.filter(user__guardianships__student=pupil).count() > told
    shot(page, f"pickups-refused-phone-{lang}")

    # The grandmother is authorised until Friday: one tap records the pickup.
    page.locator("#authorised form").filter(has_text="王秀兰").locator("button").click()
    page.wait_for_load_state("networkidle")
    result = page.locator("#pickup-result")
    assert "alert-success" in result.get_attribute("class") and "王秀兰" in result.inner_text()
    done = Pickup.objects.get(student=pupil, person=grandmother)
    assert done.allowed is True and done.recorded_by.username == "demo_guard"
    assert page.locator("#pupil-today li").count() == 2
    shot(page, f"pickups-picked-phone-{lang}")
    context.close()
