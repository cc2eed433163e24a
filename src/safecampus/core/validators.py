"""Validators for Chinese identifiers: mainland mobile numbers and GB 11643 ID-card numbers."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def normalise(value: object) -> str:
    """Full-width digits/letters to half-width, spaces removed."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"\s+", "", text)


def normalise_mobile(value: object) -> str:
    text = normalise(value).replace("-", "")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    return text


def is_mobile(value: str) -> bool:
    return bool(MOBILE_RE.match(value))


def id_card_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def parse_id_card(value: object) -> tuple[dt.date, str] | None:
    """(birth date, gender 'M'/'F') for a valid 18-digit number; None when invalid."""
    number = normalise(value).upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return None
    if id_card_check_char(number[:17]) != number[17]:
        return None
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if birth.year < 1900 or birth > dt.date.today():
        return None
    gender = "M" if int(number[16]) % 2 else "F"
    return birth, gender
