"""The library as data: loaded into the province, every template with real items in Chinese and
English, idempotent on re-run, and a changed file makes a new version (the old one stays)."""

from __future__ import annotations

import shutil

import pytest

from safecampus.checks import library
from safecampus.checks.library import LibraryError, load_library, parse, read_library
from safecampus.checks.models import AnswerKind, ChecklistTemplate, Kind, TemplateItem, TemplateVersion
from safecampus.core.models import AuditEvent
from safecampus.risks.models import Category

EXPECTED = {
    "monthly_safety",
    "term_start",
    "term_end",
    "holiday_special",
    "flood_season",
    "summer_drowning",
    "winter_fire_heating",
    "gate_daily",
    "canteen_daily",
    "dormitory_night",
    "laboratory",
    "fire_monthly",
}


def test_library_is_loaded_in_the_province_and_published(province_unit):
    templates = ChecklistTemplate.objects.filter(unit=province_unit, from_library=True)
    assert {t.code for t in templates} == EXPECTED
    for t in templates:
        assert t.published and t.kind in Kind.values and t.title_zh and t.title_en
        items = list(t.current_version.items.all())
        assert 8 <= len(items) <= 30, t.code
        for item in items:
            assert item.text_zh and item.text_en, (t.code, item.key)
            assert item.category in Category.values


def test_library_has_number_items_with_their_ranges(canteen):
    items = {i.key: i for i in canteen.current_version.items.all()}
    fridge = items["fridge-temperature"]
    assert fridge.answer_kind == AnswerKind.NUMBER
    assert (fridge.min_value, fridge.max_value, fridge.value_unit) == (0, 8, "°C")
    assert items["sample-weight"].min_value == 125 and items["sample-retention-hours"].min_value == 48
    assert items["fridge-temperature"].photo_required_on_fail


def test_reloading_changes_nothing(province_unit):
    versions, items, events = (
        TemplateVersion.objects.count(),
        TemplateItem.objects.count(),
        AuditEvent.objects.count(),
    )
    report = load_library()
    assert sorted(report.unchanged) == sorted(EXPECTED) and not report.created and not report.revised
    assert (TemplateVersion.objects.count(), TemplateItem.objects.count(), AuditEvent.objects.count()) == (
        versions,
        items,
        events,
    )


def test_a_changed_file_makes_a_new_version(tmp_path, monkeypatch, canteen):
    for path in library.LIBRARY_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    target = tmp_path / "canteen_daily.yaml"
    target.write_text(
        target.read_text(encoding="utf-8").replace("冷藏柜温度", "冷藏冰箱温度"), encoding="utf-8"
    )
    monkeypatch.setattr(library, "LIBRARY_DIR", tmp_path)
    old = canteen.current_version
    report = load_library()
    assert report.revised == ["canteen_daily"] and len(report.unchanged) == len(EXPECTED) - 1
    canteen.refresh_from_db()
    assert canteen.current_version.number == old.number + 1
    assert canteen.current_version.items.get(key="fridge-temperature").text_zh == "冷藏冰箱温度"
    assert old.items.get(key="fridge-temperature").text_zh == "冷藏柜温度"  # the past version stays
    assert load_library().unchanged  # and once more: nothing
    assert canteen.versions.count() == old.number + 1


def test_every_file_parses():
    assert {s.code for s in read_library()} == EXPECTED


@pytest.mark.parametrize(
    "text",
    [
        "code: x\nkind: daily\ntitle: {zh: 空, en: Empty}\nitems: []\n",
        "code: x\nkind: daily\ntitle: {zh: 无英文, en: No English}\nitems:\n"
        "  - {key: a, zh: 检查, category: fire}\n",
        "code: x\nkind: weekly\ntitle: {zh: 错, en: Wrong}\nitems:\n"
        "  - {key: a, zh: 检查, en: Check, category: fire}\n",
        "code: x\nkind: daily\ntitle: {zh: 错, en: Wrong}\nitems:\n"
        "  - {key: a, zh: 检查, en: Check, category: nope}\n",
        "code: x\nkind: daily\ntitle: {zh: 范围, en: Range}\nitems:\n"
        "  - {key: a, zh: 温度, en: T, category: food, answer: number, min: 9, max: 1}\n",
        "[not, a, template]",
    ],
)
def test_a_bad_file_is_refused(text):
    with pytest.raises(LibraryError):
        parse(text, "bad.yaml")


def test_the_command_reloads_and_names_unknown_units(province_unit):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("load_checklist_library", stdout=out)
    assert "created 0, updated 0, unchanged 12" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("load_checklist_library", "--unit", "nowhere")
    with pytest.raises(CommandError):  # a school does not hold the library
        call_command("load_checklist_library", "--unit", "demo-c1-k1-s1")
