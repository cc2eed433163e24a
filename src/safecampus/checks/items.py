"""Checklist items as input: every field checked, the whole list refused when one is wrong
(nothing is written), and the content compared with a version's to know whether it changed."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from safecampus.core.errors import Invalid
from safecampus.risks.models import Category
from safecampus.risks.services import clean_text

from .models import AnswerKind, TemplateItem, TemplateVersion

MAX_ITEMS = 200
LIMIT = Decimal("99999999.99")


def _field(index: int, name: str) -> str:
    return f"items.{index}.{name}"


def _number(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise Invalid(_("Enter a number."), field=field) from None
    if not number.is_finite() or abs(number) > LIMIT:
        raise Invalid(_("Enter a number."), field=field)
    return number.quantize(Decimal("0.01"))


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return bool(value)


def new_key() -> str:
    return "i" + uuid.uuid4().hex[:12]


def clean_item(index: int, row: dict[str, Any]) -> dict[str, Any]:
    """One item's content from `row` (raises `Invalid` naming `items.<index>.<field>`)."""
    text_zh = clean_text(row.get("text_zh"), 300, _field(index, "text_zh"))
    text_en = clean_text(row.get("text_en"), 400, _field(index, "text_en"))
    if not text_zh and not text_en:
        raise Invalid(_("Write what is to be checked."), field=_field(index, "text_zh"))
    category = row.get("category") or ""
    if category not in Category.values:
        raise Invalid(_("Choose a category."), field=_field(index, "category"))
    kind = row.get("answer_kind") or AnswerKind.PASS_FAIL
    if kind not in AnswerKind.values:
        raise Invalid(_("Choose how the item is answered."), field=_field(index, "answer_kind"))
    low, high, unit = None, None, ""
    if kind == AnswerKind.NUMBER:
        low = _number(row.get("min_value"), _field(index, "min_value"))
        high = _number(row.get("max_value"), _field(index, "max_value"))
        if low is not None and high is not None and low > high:
            raise Invalid(_("The minimum is above the maximum."), field=_field(index, "max_value"))
        unit = clean_text(row.get("value_unit"), 16, _field(index, "value_unit"))
    key = slugify(str(row.get("key") or ""))[:64] or new_key()
    return {
        "key": key,
        "text_zh": text_zh,
        "text_en": text_en,
        "category": category,
        "answer_kind": kind,
        "min_value": low,
        "max_value": high,
        "value_unit": unit,
        # a text item records what was seen: it cannot fail
        "photo_required_on_fail": kind != AnswerKind.TEXT and _flag(row.get("photo_required_on_fail")),
        "guidance_zh": clean_text(row.get("guidance_zh"), 2000, _field(index, "guidance_zh"), multiline=True),
        "guidance_en": clean_text(row.get("guidance_en"), 2000, _field(index, "guidance_en"), multiline=True),
    }


def clean_items(rows: Any) -> list[dict[str, Any]]:
    """The items of a new version, in order. A checklist without items is refused."""
    if not isinstance(rows, list | tuple):
        raise Invalid(_("A checklist needs at least one item."), field="items")
    if not rows:
        raise Invalid(_("A checklist needs at least one item."), field="items")
    if len(rows) > MAX_ITEMS:
        raise Invalid(_("A checklist has at most %(n)s items.") % {"n": MAX_ITEMS}, field="items")
    out = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise Invalid(_("Write what is to be checked."), field=_field(index, "text_zh"))
        item = clean_item(index, row)
        if item["key"] in seen:
            raise Invalid(_("Two items have the same key."), field=_field(index, "key"))
        seen.add(item["key"])
        out.append(item)
    return out


def contents(version: TemplateVersion | None) -> list[dict[str, Any]]:
    if version is None:
        return []
    return [item.content() for item in version.items.order_by("order", "id")]


def write_items(version: TemplateVersion, items: list[dict[str, Any]]) -> list[TemplateItem]:
    return TemplateItem.objects.bulk_create(
        [TemplateItem(version=version, order=n, **item) for n, item in enumerate(items, start=1)]
    )


def as_rows(version: TemplateVersion | None) -> list[dict[str, Any]]:
    """A version's items as input rows (to edit them, or to copy them into another template)."""
    return [{k: ("" if v is None else v) for k, v in c.items()} for c in contents(version)]
