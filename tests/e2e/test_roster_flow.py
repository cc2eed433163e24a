"""Roster import in the browser: a principal uploads a file with one error and sees it in the
preview, uploads the corrected file, applies it, watches the progress bar finish, and opens the
class list — at phone and desktop widths, in Chinese and English, with screenshots."""

from __future__ import annotations

import pytest

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.roster import batches
from safecampus.roster.importing import decrypt_credentials
from safecampus.roster.models import ImportBatch, ImportStatus, Student
from tests.roster.factories import csv_bytes, student_rows, xlsx_bytes

from .test_foundation_flow import SIZES, _login

pytestmark = pytest.mark.e2e


def _files(tmp_path) -> tuple[str, str]:
    rows = student_rows(6, grade="三年级", classes=2)
    bad = [list(r) for r in rows]
    bad[2][4] = bad[2][4][:-1] + ("0" if bad[2][4][-1] != "0" else "1")  # row 4: wrong check digit
    bad_path, good_path = tmp_path / "三年级名单.xlsx", tmp_path / "三年级名单-改.csv"
    bad_path.write_bytes(xlsx_bytes(bad))
    good_path.write_bytes(csv_bytes(rows))  # GBK, as Excel on Chinese Windows writes it
    return str(bad_path), str(good_path)


@pytest.mark.parametrize(
    ("size", "lang"), [("phone", "zh-hans"), ("phone", "en"), ("desktop", "zh-hans"), ("desktop", "en")]
)
def test_principal_imports_a_roster(browser, live_demo, shot, tmp_path, settings, monkeypatch, size, lang):
    settings.MEDIA_ROOT = tmp_path / "media"
    queued: list[tuple[int, int]] = []
    monkeypatch.setattr(batches, "_enqueue", lambda batch_id, actor_id: queued.append((batch_id, actor_id)))
    base = live_demo.url
    school = Unit.objects.get(code="demo-c1-k1-s1")
    bad_file, good_file = _files(tmp_path)
    tag = f"{size}-{'zh' if lang == 'zh-hans' else 'en'}"

    context = browser.new_context(viewport=SIZES[size], locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    page = context.new_page()
    _login(page, base, "demo_principal")
    assert page.locator("html").get_attribute("lang") == lang

    # The roster entry leads a principal to the school's classes: none yet.
    page.goto(f"{base}/roster/")
    assert page.url.endswith(f"/roster/schools/{school.pk}/classes/")
    page.click("#import-link")
    shot(page, f"roster-import-{tag}")

    # A file with one bad ID-card number: the preview lists it, nothing can be applied.
    page.set_input_files("input[name=file]", bad_file)
    page.click("#import-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    errors = page.locator("#errors tbody tr")
    assert errors.count() == 1
    assert errors.first.locator("td").first.inner_text().strip() == "4"
    assert page.locator("#apply-button").count() == 0
    shot(page, f"roster-preview-errors-{tag}")
    assert not Student.objects.filter(unit=school).exists()

    # The corrected file: clean, with the two new classes offered for creation.
    page.click("#upload-again")
    page.set_input_files("input[name=file]", good_file)
    page.click("#import-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#count-created").inner_text().strip() == "6"
    assert page.locator("#new-classes .badge").count() == 2
    shot(page, f"roster-preview-{tag}")
    page.check("#id_confirm_new_classes")

    # Progress requests reach the server only while this thread waits on the browser, so the
    # job below never shares the test database connection with a request.
    page.route("**/progress/", lambda route: route.continue_())
    page.click("#apply-button")
    page.wait_for_load_state("networkidle")
    assert page.locator("#import-progress").is_visible() and len(queued) == 1
    batch = ImportBatch.objects.get(pk=queued[0][0])
    assert batch.status == ImportStatus.RUNNING
    batches.set_progress(batch.pk, 3, 6)
    page.wait_for_selector('#import-progress [aria-valuenow="50"]', timeout=5000)
    shot(page, f"roster-progress-{tag}")

    batches.run_apply(*queued[0])  # the job worker's turn
    page.wait_for_selector("#applied", timeout=10_000)  # the poll sees the end and reloads the page
    assert page.locator("#count-created").inner_text().strip() == "6"
    assert page.locator("#accounts-download").is_visible()
    shot(page, f"roster-applied-{tag}")
    assert Student.objects.filter(unit=school).count() == 6

    page.click("#to-classes")
    page.wait_for_load_state("networkidle")
    main = page.locator("main")
    assert (
        main.get_by_text("三年级1班").first.is_visible() and main.get_by_text("三年级2班").first.is_visible()
    )
    shot(page, f"roster-classes-{tag}")

    main.get_by_text("三年级1班").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#students tbody tr").count() == 3
    shot(page, f"roster-class-{tag}")
    page.locator("#students tbody tr a").first.click()
    page.wait_for_load_state("networkidle")
    shot(page, f"roster-student-{tag}")
    context.close()


def test_parent_sees_their_child_on_a_phone(browser, live_demo, shot, tmp_path, settings):
    from tests.roster.ui import import_students

    settings.MEDIA_ROOT = tmp_path / "media"
    school = Unit.objects.get(code="demo-c1-k1-s1")
    rows = student_rows(2, grade="三年级", classes=1)
    rows[1][6], rows[1][7], rows[1][8] = rows[0][6], rows[0][7], "母亲"
    batch = import_students(school, User.objects.get(username="demo_principal"), rows)
    credentials = decrypt_credentials(batch.credentials_enc)
    parent = User.objects.get(username=next(c.username for c in credentials if c.kind == "parent"))
    parent.set_password("Parent@2026")
    parent.must_change_password = False
    parent.save()
    page = browser.new_context(viewport=SIZES["phone"]).new_page()
    _login(page, live_demo.url, parent.username, "Parent@2026")
    page.goto(f"{live_demo.url}/roster/my-children/")
    assert page.locator(".child-card").count() == 2
    shot(page, "roster-my-children-phone-zh")
