"""Checklist pages: the library, a template with its items and versions, the editor (a new
version on save, the empty template refused), copy and publish buttons; outsiders get 404."""

from __future__ import annotations

from safecampus.checks import services
from safecampus.checks.items import as_rows
from safecampus.checks.models import ChecklistTemplate

from .conftest import rows


def _formset(items: list[dict], extra: int = 1, **details) -> dict:
    data = {
        "title_zh": details.get("title_zh", "教室每日检查"),
        "title_en": "",
        "kind": details.get("kind", "daily"),
        "description_zh": "",
        "description_en": "",
        "note": details.get("note", ""),
    }
    data.update({k: v for k, v in details.items() if k == "unit"})
    total = len(items) + extra
    data.update(
        {
            "items-TOTAL_FORMS": str(total),
            "items-INITIAL_FORMS": str(len(items)),
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "200",
        }
    )
    for n, item in enumerate(items):
        for k, v in item.items():
            if k == "photo_required_on_fail":
                if v:
                    data[f"items-{n}-{k}"] = "on"
            elif k == "DELETE":
                if v:
                    data[f"items-{n}-DELETE"] = "on"
            else:
                data[f"items-{n}-{k}"] = "" if v is None else str(v)
        data.setdefault(f"items-{n}-answer_kind", "pass_fail")
    for n in range(len(items), total):
        data[f"items-{n}-answer_kind"] = "pass_fail"
    return data


def test_library_page(client_for, principal, school_copy, canteen):
    c = client_for(principal)
    body = c.get("/checks/").content.decode()
    assert f'id="checklist-{school_copy.pk}"' in body and f'id="checklist-{canteen.pk}"' in body
    assert 'id="new-checklist"' in body
    daily = c.get("/checks/", {"kind": "monthly"}).content.decode()
    assert f'id="checklist-{canteen.pk}"' not in daily
    own = c.get("/checks/", {"scope": "own"}).content.decode()
    assert f'id="checklist-{school_copy.pk}"' in own and f'id="checklist-{canteen.pk}"' not in own


def test_library_nav_entry(client_for, guard):
    body = client_for(guard).get("/").content.decode()
    assert 'href="/checks/"' in body


def test_detail_page_with_items_versions_and_copy_button(client_for, principal, school_copy, canteen):
    c = client_for(principal)
    body = c.get(f"/checks/templates/{school_copy.pk}/").content.decode()
    assert 'id="item-lunch-delivery"' in body and 'id="edit-checklist"' in body and 'id="copied-from"' in body
    assert 'id="versions"' in body and "?version=1" in body
    old = c.get(f"/checks/templates/{school_copy.pk}/", {"version": 1}).content.decode()
    assert 'id="old-version"' in old and 'id="item-additives-locked"' in old
    assert c.get(f"/checks/templates/{school_copy.pk}/", {"version": 9}).status_code == 404
    source = c.get(f"/checks/templates/{canteen.pk}/").content.decode()
    assert 'id="copy-checklist"' in source and 'id="edit-checklist"' not in source and 'id="copies"' in source


def test_outsiders_get_404(client_for, outsider_principal, outsider, school_copy, county, county_unit):
    t = services.create_template(county_unit, actor=county, data={"title_zh": "东港区表"}, items=rows(1))
    services.publish(t, actor=county)
    for user in (outsider_principal, outsider):
        c = client_for(user)
        for pk in (school_copy.pk, t.pk):
            assert c.get(f"/checks/templates/{pk}/").status_code == 404
            assert c.get(f"/checks/templates/{pk}/edit/").status_code == 404
            for action in ("copy", "publish", "unpublish", "retire", "restore"):
                assert c.post(f"/checks/templates/{pk}/{action}/").status_code == 404
    t.refresh_from_db()
    assert t.published and t.status == "active"


def test_edit_form_saves_a_new_version(client_for, principal, school_copy):
    c = client_for(principal)
    assert c.get(f"/checks/templates/{school_copy.pk}/edit/").status_code == 200
    items = as_rows(school_copy.current_version)
    for n, item in enumerate(items, start=1):
        item["order"] = n
    items[0]["order"] = 99  # moved to the end
    items[1]["DELETE"] = True
    new = {"text_zh": "操作间地面干燥防滑", "text_en": "Kitchen floor dry and non-slip", "category": "food"}
    data = _formset([*items, new], extra=1, title_zh=school_copy.title_zh, note="移动第一项")
    data["items-INITIAL_FORMS"] = str(len(items))
    resp = c.post(f"/checks/templates/{school_copy.pk}/edit/", data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    school_copy.refresh_from_db()
    v = school_copy.current_version
    assert v.number == 3 and v.note == "移动第一项"
    keys = list(v.items.order_by("order").values_list("key", flat=True))
    # the moved item comes after the others with numbers; a new row without a number goes last
    assert keys[-2] == items[0]["key"] and items[1]["key"] not in keys
    assert v.items.filter(text_zh="操作间地面干燥防滑").exists()
    assert school_copy.versions.get(number=2).items.count() == len(items)


def test_editor_refuses_no_items_and_bad_ranges(client_for, principal, school):
    c = client_for(principal)
    before = ChecklistTemplate.objects.count()
    resp = c.post("/checks/new/", _formset([], extra=2, unit=school.pk))
    assert resp.status_code == 200 and 'id="items-error"' in resp.content.decode()
    bad = {"text_zh": "温度", "category": "food", "answer_kind": "number", "min_value": "9", "max_value": "1"}
    resp = c.post("/checks/new/", _formset([bad], unit=school.pk))
    assert resp.status_code == 200 and "The minimum is above the maximum." in resp.content.decode()
    assert ChecklistTemplate.objects.count() == before
    ok = c.post("/checks/new/", _formset(rows(2), unit=school.pk))
    assert ok.status_code == 302
    made = ChecklistTemplate.objects.get(unit=school, title_zh="教室每日检查")
    assert made.current_version.items.count() == 2


def test_guard_cannot_edit_or_create(client_for, guard, school_copy):
    c = client_for(guard)
    assert c.get(f"/checks/templates/{school_copy.pk}/").status_code == 200
    assert c.get(f"/checks/templates/{school_copy.pk}/edit/").status_code == 403
    assert c.get("/checks/new/").status_code == 403


def test_copy_and_publish_buttons(client_for, safety, county, county_unit, canteen, school):
    resp = client_for(safety).post(f"/checks/templates/{canteen.pk}/copy/")
    assert resp.status_code == 302
    copy = ChecklistTemplate.objects.filter(unit=school, copied_from=canteen).order_by("-id").first()
    assert resp["Location"] == f"/checks/templates/{copy.pk}/"
    t = services.create_template(county_unit, actor=county, data={"title_zh": "区表"}, items=rows(1))
    c = client_for(county)
    assert 'id="publish-checklist"' in c.get(f"/checks/templates/{t.pk}/").content.decode()
    assert c.post(f"/checks/templates/{t.pk}/publish/").status_code == 302
    t.refresh_from_db()
    assert t.published
    # a school's manager cannot publish its own template: refused with a message, unchanged
    own = services.create_template(school, actor=safety, data={"title_zh": "校表"}, items=rows(1))
    client_for(safety).post(f"/checks/templates/{own.pk}/publish/")
    own.refresh_from_db()
    assert not own.published
