"""Demo roster: grades, classes of 30–45 students, head teachers and parents for every demo school
(seeded pseudo-random data; nothing here is a secret).

`demo_student` is in 三年级1班 of demo-c1-k1-s1, whose head teacher is `demo_teacher`, and
`demo_parent` is that student's parent. Set SAFECAMPUS_DEMO_CLASS_SIZE for a smaller demo.
"""

from __future__ import annotations

import datetime as dt
import os
import random

from django.db import transaction

from safecampus.accounts.models import User
from safecampus.core.models import Unit, UnitKind
from safecampus.core.validators import id_card_check_char

from .columns import STUDENT_TEMPLATE_HEADERS
from .files import Table
from .importing import apply_students, current_school_year
from .models import Guardian, SchoolClass, Student
from .naming import LEVELS_BY_SCHOOL_TYPE, grade_name
from .staff import apply_staff, check_staff_file
from .validation import validate_students

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN_BOY = [
    "浩然",
    "子轩",
    "宇轩",
    "俊杰",
    "博文",
    "明轩",
    "皓轩",
    "梓睿",
    "一鸣",
    "嘉懿",
    "天佑",
    "沐宸",
    "锦程",
    "思远",
    "晨阳",
]
GIVEN_GIRL = [
    "梓涵",
    "欣怡",
    "雨桐",
    "思琪",
    "佳怡",
    "若汐",
    "一诺",
    "语嫣",
    "诗涵",
    "可馨",
    "梦瑶",
    "芷若",
    "紫萱",
    "晓彤",
    "安琪",
]
FATHER = ["建国", "志强", "海涛", "伟", "军", "磊", "勇", "斌", "超", "鹏", "俊峰", "立新"]
MOTHER = ["丽", "静", "敏", "燕", "芳", "娟", "霞", "红梅", "秀英", "晓燕", "慧", "雪梅"]
TEACHER = ["老师", "文华", "春燕", "晓东", "玉兰", "国庆", "海燕", "振宇", "丽娟", "建华"]
CLASSES_PER_GRADE = 2
DEMO_STUDENT = ("demo-c1-k1-s1", 3, 1)  # school, grade level, class


def _reserved_names() -> set[str]:
    """The named demo accounts' names are never given to generated people (they stay unique)."""
    from safecampus.demo.region import ACCOUNTS

    return {real_name for _u, real_name, *_rest in ACCOUNTS}


def _name(rnd: random.Random, surname: str, given: list[str]) -> str:
    reserved = _reserved_names()
    while True:
        name = surname + rnd.choice(given)
        if name not in reserved:
            return name


def _class_size(rnd: random.Random) -> int:
    fixed = os.environ.get("SAFECAMPUS_DEMO_CLASS_SIZE")
    return int(fixed) if fixed else rnd.randint(30, 45)


def _student_rows(school: Unit, index: int, year: int) -> list[tuple[int, list[str]]]:
    rnd = random.Random(f"demo-{school.code}")  # noqa: S311 (demo data)
    region = f"4101{index:02d}"  # test files use 3702xx: no clashes
    rows, seq = [], 0
    for level in LEVELS_BY_SCHOOL_TYPE[school.school_type]:
        age = level + 6 if level > 0 else level + 5
        for number in range(1, CLASSES_PER_GRADE + 1):
            for _ in range(_class_size(rnd)):
                seq += 1
                boy = rnd.random() < 0.52
                surname = rnd.choice(SURNAMES)
                name = _name(rnd, surname, GIVEN_BOY if boy else GIVEN_GIRL)
                birth = dt.date(year - age, rnd.randint(1, 8), rnd.randint(1, 28))
                first17 = f"{region}{birth:%Y%m%d}{(seq % 499) * 2 + (1 if boy else 0):03d}"
                card = first17 + id_card_check_char(first17)
                father = rnd.random() < 0.55
                parent = _name(rnd, surname, FATHER) if father else _name(rnd, rnd.choice(SURNAMES), MOTHER)
                phone = f"15{index:02d}{seq:07d}"
                rows.append(
                    (
                        seq + 1,
                        [
                            grade_name(level),
                            f"{number}班",
                            name,
                            "男" if boy else "女",
                            card,
                            f"G{card}",
                            parent,
                            phone,
                            "父亲" if father else "母亲",
                        ],
                    )
                )
    return rows


def _staff_csv(school: Unit, index: int) -> bytes:
    rnd = random.Random(f"staff-{school.code}")  # noqa: S311 (demo data)
    lines = ["姓名,性别,手机,岗位,年级,班级"]
    seq = 0
    for level in LEVELS_BY_SCHOOL_TYPE[school.school_type]:
        for number in range(1, CLASSES_PER_GRADE + 1):
            seq += 1
            if (school.code, level, number) == DEMO_STUDENT:
                lines.append(f"张丽,女,13863310008,班主任,{grade_name(level)},{number}班")
                continue
            name = _name(rnd, rnd.choice(SURNAMES), TEACHER)
            lines.append(f"{name},女,16{index:02d}{seq:07d},班主任,{grade_name(level)},{number}班")
    lines.append(f"{rnd.choice(SURNAMES)}师傅,男,16{index:02d}9000001,宿管,,")
    lines.append(f"{rnd.choice(SURNAMES)}阿姨,女,16{index:02d}9000002,食堂,,")
    return "\n".join(lines).encode("utf-8")


def _rename(user: User, username: str, password: str) -> None:
    user.username = username
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["username", "password", "must_change_password"])


@transaction.atomic
def load_roster() -> None:
    from safecampus.demo.region import DEMO_PASSWORD, OPERATOR

    op = User.objects.get(username=OPERATOR)
    year = current_school_year()
    schools = list(Unit.objects.filter(code__startswith="demo-", kind=UnitKind.SCHOOL).order_by("code"))
    for index, school in enumerate(schools):
        if Student.objects.filter(unit=school).exists():
            continue
        table = Table([(1, STUDENT_TEMPLATE_HEADERS), *_student_rows(school, index, year)], "demo")
        plan = validate_students(school, table, school_year=year)
        if not plan.ok:
            raise RuntimeError(f"demo roster for {school.code} is invalid: {plan.errors[:3]}")
        apply_students(plan, actor=op, file_name="demo")
        staff = check_staff_file(school, _staff_csv(school, index), actor=op, school_year=year)
        if not staff.ok:
            raise RuntimeError(f"demo staff for {school.code} is invalid: {staff.errors[:3]}")
        apply_staff(staff, actor=op, file_name="demo")
    if not User.objects.filter(username="demo_student").exists():
        code, level, number = DEMO_STUDENT
        klass = SchoolClass.objects.get(grade__unit__code=code, grade__school_year=year, grade__level=level,
                                        number=number)  # fmt: skip
        student = Student.objects.filter(school_class=klass).select_related("user").order_by("id").first()
        _rename(student.user, "demo_student", DEMO_PASSWORD)
        guardian = Guardian.objects.filter(student=student).select_related("parent").first()
        _rename(guardian.parent, "demo_parent", DEMO_PASSWORD)
