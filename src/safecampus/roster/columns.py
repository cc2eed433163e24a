"""Column headers of the import templates, in Chinese and English, and header-row detection.

A sheet may start with a title row (often merged across the columns) or notes; the header row
is the first row where the required columns are all found.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecampus.core.errors import Invalid

from .files import Table


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy translated label for messages
    aliases: tuple[str, ...]
    required: bool = False


STUDENT_COLUMNS = [
    Column("grade", gettext_lazy("Grade"), ("年级", "grade"), True),
    Column("class", gettext_lazy("Class"), ("班级", "班", "class"), True),
    Column("name", gettext_lazy("Name"), ("姓名", "学生姓名", "name", "student name"), True),
    Column("gender", gettext_lazy("Gender"), ("性别", "gender", "sex"), True),
    Column(
        "id_card",
        gettext_lazy("ID-card number"),
        ("身份证号", "身份证号码", "身份证", "id card", "id card number", "id_card"),
    ),
    Column(
        "student_no",
        gettext_lazy("Student number"),
        ("学籍号", "学号", "student number", "student no", "student_no"),
    ),
    Column(
        "parent_name", gettext_lazy("Parent name"), ("家长姓名", "监护人姓名", "parent name", "parent_name")
    ),
    Column(
        "parent_phone",
        gettext_lazy("Parent mobile"),
        (
            "家长手机",
            "家长手机号",
            "家长电话",
            "联系电话",
            "监护人手机",
            "parent phone",
            "parent mobile",
            "parent_phone",
        ),
    ),
    Column("relation", gettext_lazy("Relation"), ("关系", "与学生关系", "relation", "relationship")),
    Column("birth_date", gettext_lazy("Birth date"), ("出生日期", "birth date", "birth_date")),
    Column("boarding", gettext_lazy("Boarding"), ("住宿", "是否住宿", "走读/住宿", "boarding")),
]

STAFF_COLUMNS = [
    Column("name", gettext_lazy("Name"), ("姓名", "name"), True),
    Column("gender", gettext_lazy("Gender"), ("性别", "gender", "sex")),
    Column(
        "phone",
        gettext_lazy("Mobile number"),
        ("手机", "手机号", "手机号码", "联系电话", "mobile", "phone"),
        True,
    ),
    Column(
        "id_card", gettext_lazy("ID-card number"), ("身份证号", "身份证号码", "身份证", "id card", "id_card")
    ),
    Column("post", gettext_lazy("Post"), ("岗位", "职务", "post", "position"), True),
    Column("grade", gettext_lazy("Grade"), ("任教年级", "年级", "grade")),
    Column("class", gettext_lazy("Class"), ("班主任班级", "班级", "class")),
]

STUDENT_TEMPLATE_HEADERS = [
    "年级",
    "班级",
    "姓名",
    "性别",
    "身份证号",
    "学籍号",
    "家长姓名",
    "家长手机",
    "关系",
]


def _norm_header(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).strip().lower()
    s = re.sub(r"[\s*＊:：()（）\[\]【】]+", " ", s).strip()
    return s.replace("_", " ")


def map_header(cells: list[str], columns: list[Column]) -> dict[str, int]:
    """Column key → index, for the cells of one row."""
    lookup = {_norm_header(a): c.key for c in columns for a in c.aliases}
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = lookup.get(_norm_header(cell))
        if key and key not in found:
            found[key] = index
    return found


def find_header(table: Table, columns: list[Column], scan_rows: int = 10) -> tuple[int, dict[str, int]]:
    """(position in table.rows of the header row, mapping). Raises Invalid naming what is missing."""
    required = {c.key for c in columns if c.required}
    best: tuple[int, dict[str, int]] = (-1, {})
    for pos, (_number, cells) in enumerate(table.rows[:scan_rows]):
        mapping = map_header(cells, columns)
        if required <= mapping.keys():
            return pos, mapping
        if len(mapping) > len(best[1]):
            best = (pos, mapping)
    missing = [str(c.label) for c in columns if c.required and c.key not in best[1]]
    raise Invalid(
        _("The header row was not found. Missing columns: %(cols)s. Please use the template.")
        % {"cols": ", ".join(missing)}
    )
