"""Grade and class names as Chinese schools write them, normalised to stable identities.

Grade levels: 1–6 primary, 7–9 junior middle, 10–12 senior middle; kindergarten classes are
levels -2, -1, 0 (小班, 中班, 大班). A class is identified by (grade level, number); the name the
school writes ("一班", "(1)班", "初一1班") is kept for display.
"""

from __future__ import annotations

import re
import unicodedata

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

KINDERGARTEN_LEVELS = {"托班": -3, "小班": -2, "中班": -1, "大班": 0}
KINDERGARTEN_NAMES = {v: k for k, v in KINDERGARTEN_LEVELS.items()}

# School type → the grade levels it teaches.
LEVELS_BY_SCHOOL_TYPE: dict[str, list[int]] = {
    "kindergarten": [-2, -1, 0],
    "primary": [1, 2, 3, 4, 5, 6],
    "junior": [7, 8, 9],
    "senior": [10, 11, 12],
    "nine_year": list(range(1, 10)),
    "twelve_year": list(range(1, 13)),
    "vocational": [10, 11, 12],
    "special": list(range(1, 10)),
    "university": [13, 14, 15, 16],
}
CN_ORDINAL = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


def _clean(text: object) -> str:
    s = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"\s+", "", s)


def cn_number(text: str) -> int | None:
    """'1' / '01' / '一' / '十二' / '二十三' → int."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if all(ch in CN_DIGITS or ch == "十" for ch in text):
        if "十" in text:
            tens, _, ones = text.partition("十")
            t = CN_DIGITS.get(tens, 1) if tens else 1
            o = CN_DIGITS.get(ones, 0) if ones else 0
            if len(tens) > 1 or len(ones) > 1:
                return None
            return t * 10 + o
        if len(text) == 1:
            return CN_DIGITS[text]
    return None


_GRADE_PATTERNS: list[tuple[re.Pattern, int]] = [
    (re.compile(r"^(?:初中?|初级中学)([一二三1-3])(?:年级)?$"), 6),  # 初一 / 初中一年级 → 7..9
    (re.compile(r"^(?:高中?|高级中学)([一二三1-3])(?:年级)?$"), 9),  # 高一 → 10..12
    (re.compile(r"^(?:小学)?([一二三四五六七八九十]{1,2}|\d{1,2})年级$"), 0),  # 三年级 / 7年级
    (re.compile(r"^(\d{1,2})$"), 0),
]


def parse_grade(text: object, school_type: str = "") -> int | None:
    """A grade as written → its level, or None when it cannot be read.

    In a junior (or senior) school a bare "一年级" means the first year of that school.
    """
    s = _clean(text)
    if not s:
        return None
    if s in KINDERGARTEN_LEVELS:
        return KINDERGARTEN_LEVELS[s]
    for pattern, offset in _GRADE_PATTERNS:
        m = pattern.match(s)
        if m:
            n = cn_number(m.group(1))
            if n is None:
                return None
            level = n + offset
            levels = LEVELS_BY_SCHOOL_TYPE.get(school_type)
            if offset == 0 and levels and level not in levels and 1 <= n <= len(levels):
                level = levels[n - 1]  # "一年级" in a junior middle school
            return level
    return None


def grade_name(level: int, school_type: str = "") -> str:
    """The usual display name for a grade level."""
    if level in KINDERGARTEN_NAMES:
        return KINDERGARTEN_NAMES[level]
    if 1 <= level <= 12:
        return f"{CN_ORDINAL[level]}年级" if level <= 9 else f"高{CN_ORDINAL[level - 9]}"
    if level >= 13:
        return f"大{CN_ORDINAL[level - 12]}"
    return str(level)


def grade_aliases(level: int) -> set[str]:
    """Prefixes that may stand before a class name for this grade ("初一1班")."""
    names = {grade_name(level)}
    if 1 <= level <= 12:
        names |= {f"{level}年级", f"{CN_ORDINAL[level]}年级"}
    if 7 <= level <= 9:
        names |= {f"初{CN_ORDINAL[level - 6]}", f"初中{CN_ORDINAL[level - 6]}年级"}
    if 10 <= level <= 12:
        names |= {f"高{CN_ORDINAL[level - 9]}", f"高中{CN_ORDINAL[level - 9]}年级"}
    if 1 <= level <= 6:
        names |= {CN_ORDINAL[level]}  # "三(2)班" means grade 3 class 2 in primary schools
    return names


_CLASS_RE = re.compile(r"^[(（]?([一二三四五六七八九十]{1,3}|\d{1,3})[)）]?(?:班)?$")


def parse_class(text: object, grade_level: int | None = None) -> int | None:
    """A class as written → its number within the grade, or None.

    "1班", "一班", "(1)班", "（1）班", "01班", "1" and, under grade 七年级, "初一1班" or
    "七年级(1)班" all give 1. A grade prefix that names another grade is refused.
    """
    s = _clean(text)
    if not s:
        return None
    m = _CLASS_RE.match(s)
    if m:
        n = cn_number(m.group(1))
        return n if n else None
    if grade_level is None:
        return None
    for alias in sorted(grade_aliases(grade_level), key=len, reverse=True):
        if s.startswith(alias):
            rest = s[len(alias) :]
            m = _CLASS_RE.match(rest)
            if m:
                n = cn_number(m.group(1))
                return n if n else None
    return None


def next_grade_level(level: int, school_type: str) -> int | None:
    """The grade a class of `level` moves up to at the end of the year; None when it graduates
    (the last level the school teaches, e.g. 六年级 in a primary school, 大班 in a kindergarten)."""
    later = [n for n in LEVELS_BY_SCHOOL_TYPE.get(school_type, []) if n > level]
    return min(later) if later else None


def class_name_without_grade(name: str, grade_level: int) -> str:
    """The class name with a leading grade prefix removed ("初一1班" → "1班") so it can follow the
    class into the next grade; a name without such a prefix is returned unchanged."""
    s = _clean(name)
    for alias in sorted(grade_aliases(grade_level), key=len, reverse=True):
        rest = s[len(alias) :]
        if s.startswith(alias) and _CLASS_RE.match(rest):
            return rest
    return name
