"""The gate in the browser (issue 18): demo_guard, on a 375 px phone, opens the gate desk, types a
visitor's pass code into the one code box, sees the visit with the ID number masked, checks the
visitor in, finds them under "Inside now" and checks them out; the gate log shows both. A second
run shows a wrong code refused in place. In English and in Chinese, with screenshots."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.core.validators import id_card_check_char
from safecampus.visitors import services
from safecampus.visitors.models import Visit, VisitStatus

from .test_foundation_flow import SIZES, _login

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_guard_checks_a_visitor_in_and_out(browser, live_demo, shot, lang):
    school = Unit.objects.get(code="demo-c1-k1-s1")
    visit, _c = services.register_visit(
        school,
        actor=User.objects.get(username="demo_teacher"),
        data={
            "client_id": str(uuid.uuid4()),
            "visitor_name": "王建国",
            "visitor_phone": "13905321234",
            "id_number": "37020219800101123" + id_card_check_char("37020219800101123"),
            "purpose": "家长约谈",
            "expected_at": timezone.now(),
        },
    )
    base = live_demo.url
    context = browser.new_context(viewport=SIZES["phone"])
    context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    page = context.new_page()
    _login(page, base, "demo_guard")
    page.goto(f"{base}/gate/visits/")
    page.fill("#code-box", "VWRONG234")
    page.click("#code-go")
    assert page.locator("#code-not-found").is_visible()
    shot(page, f"visitors-desk-not-found-phone-{lang}")

    page.fill("#code-box", visit.pass_code.lower())
    page.click("#code-go")
    page.wait_for_url(f"**/gate/visits/{visit.pk}/")
    assert page.locator("#id-number").inner_text().count("*") >= 8  # masked
    shot(page, f"visitors-visit-phone-{lang}")
    page.click("#check-in")
    page.wait_for_url("**/gate/visits/")
    assert page.locator("#inside").get_by_text("王建国").is_visible()
    shot(page, f"visitors-desk-inside-phone-{lang}")
    page.click(f"#out-{visit.pk}")
    page.wait_for_load_state("networkidle")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.LEFT
    page.goto(f"{base}/gate/visits/log/")
    assert page.locator("#log-table tbody tr").count() == 2
    shot(page, f"visitors-log-phone-{lang}")
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
    Visit.objects.filter(pk=visit.pk).delete()


def test_visitor_books_and_host_approves_on_the_phone(browser, live_demo, shot):
    """A visitor books on the school's public page (no login) and waits; demo_teacher approves on
    the phone from "My visitors"; the visitor's pass page then shows the QR."""
    school = Unit.objects.get(code="demo-c1-k1-s1")
    link = services.booking_link(school, actor=User.objects.get(username="demo_guard"))
    base = live_demo.url
    visitor = browser.new_context(viewport=SIZES["phone"])
    visitor.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
    page = visitor.new_page()
    page.goto(f"{base}/gate/visits/book/{link.token}/")
    page.fill("#id_visitor_name", "孙伟")
    page.fill("#id_visitor_phone", "13505327777")
    page.fill("#id_id_number", "37020319791122336"[:17] + id_card_check_char("37020319791122336"[:17]))
    page.fill("#id_host_name", User.objects.get(username="demo_teacher").display_name)
    page.fill("#id_purpose", "转学手续咨询")
    page.fill("#id_expected_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.click("#booking-submit")
    page.wait_for_url("**/gate/visits/pass/**")
    assert page.locator("#pass-pending").is_visible()
    shot(page, "visitors-pass-pending-phone-zh")
    pass_url = page.url

    host = browser.new_context(viewport=SIZES["phone"])
    host_page = host.new_page()
    _login(host_page, base, "demo_teacher")
    host_page.goto(f"{base}/gate/visits/mine/")
    host_page.locator("#to-decide a").first.click()
    host_page.click("#approve")
    host_page.wait_for_load_state("networkidle")
    assert host_page.locator("#visit-status [data-status=approved]").is_visible()
    shot(host_page, "visitors-host-approved-phone-en")

    page.goto(pass_url)
    assert page.locator("#pass-qr").is_visible()
    shot(page, "visitors-pass-approved-phone-zh")
    visitor.close()
    host.close()
