"""Demo data: a guard company and three guards at demo-c1-k1-s1 (demo_guard 赵铁柱 linked to his
account; one certificate expiring this month), and guards at the other demo schools such that some
are staffed per policy and others short (too few guards, an expired certificate, a part-timer) —
the three-100% board's "guards staffed" needs schools falling short. Everything goes through the
services (audit, signals). Idempotent: a school that has guards is left alone."""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.roles import Role
from safecampus.core.validators import id_card_check_char

from . import services
from .models import Employment, Guard
from .staffing import staffing_for

HOME = "demo-c1-k1-s1"
SURNAMES = "钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = ["永强", "建军", "立新", "海波", "志刚", "国庆", "卫东", "红旗", "保国", "长青", "德胜", "振华"]


def id_number(birth: dt.date, seq: int) -> str:
    first17 = f"371102{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_card_check_char(first17)


def _keeper(school: Unit, operator: User) -> User:
    roles = dict(
        Membership.objects.filter(unit=school, is_active=True).values_list("role", "user_id").order_by("-id")
    )
    for role in (Role.SCHOOL_ADMIN, Role.SAFETY_STAFF, Role.PRINCIPAL):
        if role in roles:
            return User.objects.get(pk=roles[role])
    return operator


def _end_of_month(today: dt.date) -> dt.date:
    return today.replace(day=calendar.monthrange(today.year, today.month)[1])


def _guard(school: Unit, actor: User, n: int, **data: object) -> Guard:
    birth = data.pop("birth", None) or dt.date(1975 + n % 20, 1 + n % 12, 1 + n % 27)
    base = {
        "name": SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)],
        "id_number": id_number(birth, 100 + n),  # type: ignore[arg-type]
        "phone": f"139{63310100 + n:08d}",
        "birth_date": birth,
        "employment": Employment.EMPLOYED,
        "full_time": True,
        "certificate_no": f"鲁公保{2020 + n % 5}{10000 + n:05d}",
        "certificate_expires": timezone.localdate() + dt.timedelta(days=400 + 13 * n),
        "started_on": dt.date(2021 + n % 4, 9, 1),
    }
    base.update(data)
    return services.add_guard(school, actor=actor, data=base)


def load_home(school: Unit, operator: User) -> int:
    actor = _keeper(school, operator)
    today = timezone.localdate()
    company = services.add_company(
        school,
        actor=actor,
        data={
            "name": "海州市安邦保安服务有限公司",
            "licence_no": "鲁公保服20190036",
            "contact_name": "邵建明",
            "contact_phone": "0633-8235566",
        },
    )
    account = User.objects.filter(username="demo_guard").first()
    guard = account if account and Membership.objects.filter(unit=school, user=account).exists() else None
    birth = dt.date(1979, 6, 18)
    _guard(
        school,
        actor,
        0,
        name="赵铁柱",
        birth=birth,
        id_number=id_number(birth, 35),
        phone="13863310009",
        employment=Employment.CONTRACTED,
        company=company.pk,
        certificate_no="鲁公保2021008866",
        certificate_expires=today + dt.timedelta(days=700),
        user=guard.pk if guard else None,
    )
    _guard(
        school,
        actor,
        1,
        employment=Employment.CONTRACTED,
        company=company.pk,
        certificate_expires=max(today, min(_end_of_month(today), today + dt.timedelta(days=20))),
    )
    _guard(school, actor, 2, name="孙立国")
    return 3


def load_other(school: Unit, operator: User, index: int) -> int:
    """By turn: staffed per policy; too few guards; one certificate expired and a part-timer; an
    over-age guard among enough certified ones."""
    actor = _keeper(school, operator)
    today = timezone.localdate()
    required = staffing_for(school).required
    n0 = 10 + 5 * index
    kind = index % 4
    if kind == 0:
        return len([_guard(school, actor, n0 + i) for i in range(required)])
    if kind == 1:
        _guard(school, actor, n0)
        return 1
    if kind == 2:
        _guard(school, actor, n0, certificate_expires=today - dt.timedelta(days=40))
        _guard(school, actor, n0 + 1, full_time=False)
        for i in range(2, required):
            _guard(school, actor, n0 + i)
        return max(2, required)
    _guard(school, actor, n0, birth=dt.date(today.year - 63, 3, 1))
    for i in range(1, required):
        _guard(school, actor, n0 + i)
    return required


def load_guards_demo() -> int:
    operator = User.objects.filter(username="demo_operator").first()
    if operator is None:
        return 0
    schools = Unit.objects.filter(code__startswith="demo-", kind=UnitKind.SCHOOL, is_active=True).order_by(
        "path"
    )
    made = 0
    index = 0
    for school in schools:
        if school.code != HOME:
            index += 1
        if Guard.objects.filter(unit=school).exists():
            continue
        made += load_home(school, operator) if school.code == HOME else load_other(school, operator, index)
    return made
