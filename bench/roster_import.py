"""Roster import benchmark (`make bench`): 50,000 students with parents into one county.

A throw-away SQLite database gets the demo region (without the demo roster); then 20 new
schools of demo-c1-k1 each import a GBK CSV of 2,500 students with parents (grades, classes,
ID cards, student numbers, parent mobiles) through the same services as
`safecampus roster import`: whole-file check, then one all-or-nothing transaction per file.
Target (issue 4): under 60 s and under 1 GB on 2 cores. Prints rows/s and peak memory.

Usage: .venv/bin/python bench/roster_import.py [--schools 20 --per-school 2500 --json PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))


def student_csv(school_index: int, n: int) -> bytes:
    from safecampus.core.validators import id_card_check_char

    lines = ["年级,班级,姓名,性别,身份证号,学籍号,家长姓名,家长手机,关系"]
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "浩然子轩梓涵一诺欣怡宇轩雨桐俊杰思琪晨曦"
    for i in range(n):
        level = 1 + i % 6
        boy = i % 2 == 1
        birth = dt.date(2019 - level, 1 + i % 12, 1 + i % 28)
        region = f"37{school_index:02d}{(i // 998) % 100:02d}"
        first17 = f"{region}{birth:%Y%m%d}{(i % 499) * 2 + (1 if boy else 0):03d}"
        card = first17 + id_card_check_char(first17)
        name = surnames[i % 20] + given[(i * 7) % 20] + given[(i * 3) % 20]
        phone = f"13{school_index:02d}{i:07d}"
        lines.append(
            f"{'一二三四五六'[level - 1]}年级,{1 + (i // 6) % 10}班,{name},{'男' if boy else '女'},{card},"
            f"G{card},{name[0]}建国,{phone},父亲"
        )
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--schools", type=int, default=20)
    p.add_argument("--per-school", type=int, default=2500)
    p.add_argument("--json", metavar="PATH")
    args = p.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="safecampus-bench-roster-"))
    from run import setup_django  # bench/run.py: throw-away home and database

    setup_django(home)
    from safecampus.accounts.models import User
    from safecampus.core.models import Unit
    from safecampus.core.services import create_unit
    from safecampus.demo.region import load_region
    from safecampus.roster.importing import apply_students, check_students_file
    from safecampus.roster.models import Guardian, Student

    load_region()
    op = User.objects.get(username="demo_operator")
    county = Unit.objects.get(code="demo-c1-k1")
    files = []
    for k in range(args.schools):
        school = create_unit(county, actor=op, code=f"bench-s{k:02d}", name=f"东港区第{k + 10}小学",
                             kind="school", school_type="primary")  # fmt: skip
        files.append((school, student_csv(k + 10, args.per_school)))
    total_rows = args.schools * args.per_school
    t0 = time.perf_counter()
    check_s = apply_s = 0.0
    for school, data in files:
        a = time.perf_counter()
        plan = check_students_file(school, data, actor=op, school_year=2026)
        b = time.perf_counter()
        if not plan.ok:
            print(f"file for {school.code} rejected: {plan.errors[:3]}", file=sys.stderr)
            return 1
        apply_students(plan, actor=op, data=data, file_name=f"{school.code}.csv")
        check_s += b - a
        apply_s += time.perf_counter() - b
    wall = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "students": Student.objects.filter(unit__path__startswith=county.path).count(),
        "guardians": Guardian.objects.count(),
        "rows": total_rows,
        "seconds": round(wall, 2),
        "rows_per_second": round(total_rows / wall),
        "check_seconds": round(check_s, 2),
        "apply_seconds": round(apply_s, 2),
        "peak_memory_mb": round(peak_mb),
    }
    print("roster import benchmark (SQLite, one process)")
    for key, value in result.items():
        print(f"  {key:<16} {value}")
    verdict = "OK" if wall < 60 and peak_mb < 1024 else "OVER TARGET"
    print(f"  target < 60 s and < 1024 MB: {verdict}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
