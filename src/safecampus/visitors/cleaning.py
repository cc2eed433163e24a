"""Cleaning what a host, a visitor's booking form, a guard or a phone sends about a visit. Every
field is checked before anything is written; `clean_visit` raises `InvalidFields` naming each
wrong field with a translated message."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core.cleaning import clean_text
from safecampus.core.errors import Invalid, InvalidFields
from safecampus.core.validators import is_mobile, normalise, normalise_mobile, parse_id_card

PLATE_RE = re.compile(r"^[\u4e00-\u9fa5A-Z][A-Z0-9\u4e00-\u9fa5]{4,9}$")
AHEAD_DAYS = 90


def clean_name(value: Any, field: str = "visitor_name") -> str:
    return clean_text(value, 60, field, required=_("Enter the visitor's name."))


def clean_phone(value: Any, *, required: bool) -> str:
    text = normalise_mobile(clean_text(value, 20, "visitor_phone"))
    if not text:
        if required:
            raise Invalid(_("Enter the visitor's mobile number."), field="visitor_phone")
        return ""
    if not is_mobile(text):
        raise Invalid(_("Enter an 11-digit mainland mobile number."), field="visitor_phone")
    return text


def clean_id_number(value: Any, *, required: bool, field: str = "id_number") -> str:
    text = normalise(clean_text(value, 30, field)).upper()
    if not text:
        if required:
            raise Invalid(_("Enter the ID-card number."), field=field)
        return ""
    if parse_id_card(text) is None:
        raise Invalid(_("Enter a valid 18-digit ID-card number."), field=field)
    return text


def clean_plate(value: Any) -> str:
    text = normalise(clean_text(value, 12, "plate")).upper().replace("·", "").replace("-", "")
    if text and not PLATE_RE.match(text):
        raise Invalid(_("Enter a vehicle plate such as 京A12345."), field="plate")
    return text


def clean_expected(value: Any, *, required: bool = True) -> dt.datetime:
    """An aware date and time from today to `AHEAD_DAYS` ahead (ISO text, or a datetime)."""
    if value in (None, ""):
        if required:
            raise Invalid(_("Say when the visitor is expected."), field="expected_at")
        return timezone.now()
    when = value
    if not isinstance(when, dt.datetime):
        try:
            when = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise Invalid(_("Enter a valid date and time."), field="expected_at") from None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    today = timezone.localdate()
    day = timezone.localtime(when).date()
    if day < today:
        raise Invalid(_("The visit cannot be on a past day."), field="expected_at")
    if day > today + dt.timedelta(days=AHEAD_DAYS):
        raise Invalid(
            _("A visit can be registered at most %(n)s days ahead.") % {"n": AHEAD_DAYS}, field="expected_at"
        )
    return when


def clean_visit(data: dict[str, Any], *, source: str) -> dict[str, Any]:
    """The visit's own fields from `data` (the host is resolved by the caller)."""
    walk_in = source == "walk_in"
    checks = {
        "visitor_name": lambda: clean_name(data.get("visitor_name")),
        "phone": lambda: clean_phone(data.get("visitor_phone"), required=source == "booking"),
        "id_number": lambda: clean_id_number(data.get("id_number"), required=source != "host"),
        "purpose": lambda: clean_text(
            data.get("purpose"), 200, "purpose", required=_("Say what the visit is for.")
        ),
        "expected_at": lambda: clean_expected(data.get("expected_at"), required=not walk_in),
        "plate": lambda: clean_plate(data.get("plate")),
        "items": lambda: clean_text(data.get("items"), 200, "items"),
    }
    fields: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, clean in checks.items():
        try:
            fields[name] = clean()
        except Invalid as exc:
            errors.setdefault(exc.field or name, str(exc.message))
    if errors:
        raise InvalidFields(errors)
    return fields
