"""Checklist services: versioning (an edit is a new version, the old one intact), publishing to
a bureau's area, copies, the empty template refused, retire/restore, permissions and audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from safecampus.checks import services
from safecampus.checks.items import as_rows
from safecampus.checks.models import ChecklistTemplate, TemplateItem, TemplateStatus, TemplateVersion
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.models import AuditEvent, Unit

from .conftest import rows


def _visible(user, template) -> bool:
    return ChecklistTemplate.objects.visible_to(user).filter(pk=template.pk).exists()


def test_a_template_without_items_is_refused(safety, school):
    before = (ChecklistTemplate.objects.count(), AuditEvent.objects.count())
    for items in ([], [{"text_zh": " ", "category": "fire"}], None):
        with pytest.raises(Invalid) as exc:
            services.create_template(school, actor=safety, data={"title_zh": "空表"}, items=items)
        assert exc.value.field in ("items", "items.0.text_zh")
    with pytest.raises(Invalid, match="at least one item"):
        services.create_template(school, actor=safety, data={"title_zh": "空"}, items=[])
    assert (ChecklistTemplate.objects.count(), AuditEvent.objects.count()) == before


def test_bad_items_name_their_field_and_write_nothing(safety, school):
    bad = [
        *rows(2),
        {"text_zh": "温度", "category": "food", "answer_kind": "number", "min_value": "9", "max_value": "1"},
    ]
    with pytest.raises(Invalid) as exc:
        services.create_template(school, actor=safety, data={"title_zh": "表"}, items=bad)
    assert exc.value.field == "items.2.max_value"
    with pytest.raises(Invalid) as exc:
        services.create_template(school, actor=safety, data={"title_zh": "表"}, items=[{"text_zh": "x"}])
    assert exc.value.field == "items.0.category"
    assert not ChecklistTemplate.objects.filter(unit=school, title_zh="表").exists()


def test_editing_makes_a_new_version_and_keeps_the_old(safety, school):
    t = services.create_template(
        school, actor=safety, data={"title_zh": "教室检查", "kind": "daily"}, items=rows(3)
    )
    v1 = t.current_version
    assert v1.number == 1 and [i.text_zh for i in v1.items.all()] == ["检查项1", "检查项2", "检查项3"]
    edited = as_rows(v1)
    edited[0]["text_zh"] = "门窗完好"
    edited.reverse()  # reorder
    edited.append({"text_zh": "新增项", "text_en": "New", "category": "buildings"})
    del edited[1]  # remove 检查项2
    v2 = services.revise(t, actor=safety, items=edited, note="调整")
    assert v2.number == 2 and t.current_version == v2
    assert [i.text_zh for i in v2.items.order_by("order")] == ["检查项3", "门窗完好", "新增项"]
    assert [i.text_zh for i in v1.items.order_by("order")] == ["检查项1", "检查项2", "检查项3"]
    # the same item keeps its key from version to version
    assert v2.items.get(text_zh="门窗完好").key == v1.items.get(text_zh="检查项1").key
    assert services.revise(t, actor=safety, items=as_rows(v2)) is None  # nothing changed: no version
    assert t.versions.count() == 2
    assert AuditEvent.objects.filter(verb="checklist.revised", target_id=str(t.pk)).count() == 1


def test_versions_and_items_cannot_be_changed_in_place(canteen):
    item = canteen.current_version.items.first()
    item.text_zh = "改"
    with pytest.raises(TypeError):
        item.save()
    with pytest.raises(TypeError):
        canteen.current_version.save()
    assert TemplateItem.objects.get(pk=item.pk).text_zh != "改"


def test_a_bureau_publishes_to_its_area_only(county, county_unit, principal, outsider_principal, outsider):
    t = services.create_template(
        county_unit, actor=county, data={"title_zh": "东港区专项检查"}, items=rows(2)
    )
    assert _visible(county, t) and not _visible(principal, t)
    services.publish(t, actor=county)
    assert _visible(principal, t)  # a school of the county
    assert not _visible(outsider_principal, t) and not _visible(outsider, t)  # the sibling county
    services.unpublish(t, actor=county)
    assert not _visible(principal, t)
    assert list(
        AuditEvent.objects.filter(target_id=str(t.pk), target_type="checks.checklisttemplate")
        .values_list("verb", flat=True)
        .order_by("id")
    ) == ["checklist.created", "checklist.published", "checklist.unpublished"]


def test_a_bureau_does_not_read_its_schools_own_templates(county, school_copy, principal):
    assert _visible(principal, school_copy) and not _visible(county, school_copy)


def test_only_bureaus_publish_and_only_managers_manage(safety, school, guard, county, canteen):
    t = services.create_template(school, actor=safety, data={"title_zh": "本校表"}, items=rows(1))
    with pytest.raises(Conflict):
        services.publish(t, actor=safety)
    with pytest.raises(PermissionDenied):
        services.revise(t, actor=guard, items=rows(2))
    with pytest.raises(PermissionDenied):  # a county officer does not edit the province's library
        services.revise(canteen, actor=county, items=rows(2))
    with pytest.raises(PermissionDenied):
        services.create_template(school, actor=county, data={"title_zh": "x"}, items=rows(1))


def test_a_school_copies_and_adapts_without_touching_the_source(safety, school, canteen):
    source_items = as_rows(canteen.current_version)
    copy = services.copy_template(canteen, school, actor=safety)
    assert copy.unit == school and copy.copied_from == canteen and copy.code.startswith("canteen_daily")
    assert as_rows(copy.current_version) == source_items and copy.current_version.number == 1
    services.revise(copy, actor=safety, items=source_items[:5])
    assert as_rows(canteen.current_version) == source_items
    assert AuditEvent.objects.filter(verb="checklist.copied", target_id=str(copy.pk)).exists()


def test_the_demo_copy_is_adapted(school_copy, canteen):
    keys = set(school_copy.current_version.items.values_list("key", flat=True))
    assert "lunch-delivery" in keys and "additives-locked" not in keys
    assert (
        school_copy.current_version.number == 2
        and school_copy.versions.get(number=1).items.filter(key="additives-locked").exists()
    )


def test_copies_need_a_published_template_above(safety, school, sibling_school, county, county_unit):
    t = services.create_template(county_unit, actor=county, data={"title_zh": "未发布"}, items=rows(1))
    with pytest.raises(Conflict):
        services.copy_template(t, school, actor=safety)
    services.publish(t, actor=county)
    with pytest.raises(PermissionDenied):  # not a manager of the sibling school
        services.copy_template(t, sibling_school, actor=safety)


def test_retire_and_restore(safety, school, county, county_unit, principal):
    t = services.create_template(county_unit, actor=county, data={"title_zh": "退役"}, items=rows(1))
    services.publish(t, actor=county)
    services.retire(t, actor=county)
    assert t.status == TemplateStatus.RETIRED and not t.published and not _visible(principal, t)
    with pytest.raises(Conflict):
        services.retire(t, actor=county)
    with pytest.raises(Conflict):
        services.revise(t, actor=county, items=rows(2))
    services.restore(t, actor=county)
    assert t.status == TemplateStatus.ACTIVE
    assert TemplateVersion.objects.filter(template=t).count() == 1


def test_details_change_without_a_new_version(safety, school):
    t = services.create_template(school, actor=safety, data={"title_zh": "旧名"}, items=rows(1))
    services.update_details(t, actor=safety, data={"title_zh": "新名", "kind": "monthly"})
    t.refresh_from_db()
    assert (t.title_zh, t.kind, t.current_version.number) == ("新名", "monthly", 1)
    with pytest.raises(Invalid):
        services.update_details(t, actor=safety, data={"title_zh": "", "title_en": ""})
    with pytest.raises(Invalid):
        services.update_details(t, actor=safety, data={"kind": "weekly"})
    assert Unit.objects.filter(pk=school.pk).exists()
