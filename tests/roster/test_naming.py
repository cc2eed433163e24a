"""Grade and class names written many ways map to one identity."""

from __future__ import annotations

import pytest

from safecampus.roster.naming import grade_name, parse_class, parse_grade


@pytest.mark.parametrize(
    "written",
    [
        "1班",
        "一班",
        "(1)班",
        "（1）班",
        "01班",
        "初一1班",
        "七年级1班",
        "1",
        " 1 班 ",
        "１班",
        "七年级（1）班",
    ],
)
def test_class_one_of_grade_seven(written):
    assert parse_class(written, grade_level=7) == 1


@pytest.mark.parametrize(("written", "n"), [("十二班", 12), ("(12)班", 12), ("二十班", 20), ("三(2)班", 2)])
def test_class_numbers(written, n):
    assert parse_class(written, grade_level=3) == n


@pytest.mark.parametrize("written", ["", "班", "初二1班", "A班", "0班", "实验班"])
def test_unreadable_or_wrong_grade_class(written):
    assert parse_class(written, grade_level=7) is None


@pytest.mark.parametrize(
    ("written", "school_type", "level"),
    [
        ("七年级", "junior", 7),
        ("初一", "junior", 7),
        ("初中一年级", "junior", 7),
        ("一年级", "junior", 7),
        ("7年级", "nine_year", 7),
        ("一年级", "nine_year", 1),
        ("三年级", "primary", 3),
        ("高一", "senior", 10),
        ("一年级", "senior", 10),
        ("小班", "kindergarten", -2),
        ("大班", "kindergarten", 0),
        ("九年级", "junior", 9),
        ("１年级", "primary", 1),
    ],
)
def test_grades(written, school_type, level):
    assert parse_grade(written, school_type) == level


def test_grade_names():
    assert [grade_name(x) for x in (-2, -1, 0, 1, 6, 7, 9, 10, 12)] == [
        "小班",
        "中班",
        "大班",
        "一年级",
        "六年级",
        "七年级",
        "九年级",
        "高一",
        "高三",
    ]
    assert parse_grade("初四", "junior") is None
