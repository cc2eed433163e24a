"""Months as the roll-ups key them: `YYYYMM` integers of local (Asia/Shanghai) time, shown and
asked for as "YYYY-MM". One definition for every module's statistics."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import Invalid

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def month_of(moment: dt.datetime) -> int:
    """The local month (YYYYMM) of an aware moment."""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    return local.year * 100 + local.month


def month_key(day: dt.date) -> int:
    """The month (YYYYMM) of a date."""
    return day.year * 100 + day.month


def this_month() -> int:
    return month_key(timezone.localdate())


def label(month: int) -> str:
    """YYYYMM → "YYYY-MM"."""
    return f"{month // 100:04d}-{month % 100:02d}"


def parse(value: Any, field: str) -> int | None:
    """ "YYYY-MM" → YYYYMM (None when empty); anything else is a translated error on `field`."""
    if value in (None, ""):
        return None
    m = MONTH_RE.match(str(value).strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        raise Invalid(_("Enter a month as YYYY-MM."), field=field)
    return int(m.group(1)) * 100 + int(m.group(2))
