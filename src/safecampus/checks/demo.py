"""Demo checklists: the library in the demo province (published to every school), and
demo-c1-k1-s1's own adapted copy of the canteen daily check. Idempotent."""

from __future__ import annotations

from django.db import transaction

from safecampus.accounts.models import User
from safecampus.core.models import Unit

from . import services
from .items import as_rows
from .library import load_library
from .models import ChecklistTemplate

SCHOOL = "demo-c1-k1-s1"
ADAPTER = "demo_safety"

# What the school adds to the province's canteen check (it sends lunches to the classrooms and
# has a teachers' dining room), and the item it drops (no food additives are used there).
ADDED = [
    {
        "key": "lunch-delivery",
        "text_zh": "午餐送餐到班：餐桶加盖加锁、专人护送，出锅到送达不超过30分钟",
        "text_en": (
            "Lunch taken to the classrooms in closed, locked containers by a named escort, "
            "within 30 minutes of cooking"
        ),
        "category": "food",
        "photo_required_on_fail": True,
    },
    {
        "key": "delivery-temperature",
        "text_zh": "送达班级时饭菜温度",
        "text_en": "Food temperature on arrival in the classroom",
        "category": "food",
        "answer_kind": "number",
        "min_value": "60",
        "value_unit": "°C",
    },
]
DROPPED = {"additives-locked"}


@transaction.atomic
def load_checks_demo() -> None:
    load_library()
    school = Unit.objects.filter(code=SCHOOL).first()
    actor = User.objects.filter(username=ADAPTER).first()
    if school is None or actor is None:
        return
    if ChecklistTemplate.objects.filter(unit=school, copied_from__code="canteen_daily").exists():
        return
    source = ChecklistTemplate.objects.get(unit=school.get_root(), code="canteen_daily")
    copy = services.copy_template(source, school, actor=actor)
    services.update_details(
        copy,
        actor=actor,
        data={"title_zh": f"{school.name}食堂每日检查", "title_en": "Canteen daily check (our school)"},
    )
    rows = [r for r in as_rows(copy.current_version) if r["key"] not in DROPPED]
    position = next(n for n, r in enumerate(rows) if r["key"] == "hot-holding") + 1
    rows[position:position] = ADDED
    services.revise(copy, actor=actor, items=rows, note="按本校送餐到班和教师餐厅情况调整")
