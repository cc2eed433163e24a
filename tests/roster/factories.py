"""Real-looking roster files, made in the test."""

from __future__ import annotations

import datetime as dt
import io
import random

from openpyxl import Workbook

from safecampus.core.validators import id_card_check_char

HEADERS = ["年级", "班级", "姓名", "性别", "身份证号", "学籍号", "家长姓名", "家长手机", "关系"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "浩然子轩梓涵一诺欣怡宇轩雨桐俊杰思琪晨曦佳怡博文若汐明轩嘉怡"


def id_card(birth: dt.date, gender: str, seq: int, region: str = "370202") -> str:
    order = (seq % 499) * 2 + (1 if gender == "M" else 0)
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    return first17 + id_card_check_char(first17)


def student_rows(
    n: int,
    *,
    grade: str = "七年级",
    classes: int = 2,
    seed: int = 1,
    phone_base: int = 13900000000,
    region: str = "370202",
    year: int = 2013,
) -> list[list[str]]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        gender = "M" if i % 2 else "F"
        birth = dt.date(year, 1 + i % 12, 1 + i % 28)
        name = rnd.choice(SURNAMES) + rnd.choice(GIVEN[::2]) + rnd.choice(GIVEN[1::2])
        card = id_card(birth, gender, i + seed * 1000, region)
        rows.append([grade, f"{1 + i % classes}班", name, "男" if gender == "M" else "女", card, f"G{card}",
                     name[0] + "建国", str(phone_base + i), "父亲"])  # fmt: skip
    return rows


def csv_bytes(rows: list[list[str]], encoding: str = "gbk", headers: list[str] = HEADERS) -> bytes:
    text = "\r\n".join(",".join(r) for r in [headers, *rows]) + "\r\n"
    return text.encode(encoding)


def xlsx_bytes(rows: list[list], title: str | None = None, headers: list[str] = HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
