"""Guard-register samples of demo-c1-k1-s1 for the tenancy walk (made on first use, through the
services): a contracted guard with a company. Its texts carry "东港区" so the walk notices any leak."""

from __future__ import annotations

import datetime as dt

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.guards import services
from safecampus.guards.demo import id_number
from safecampus.guards.models import Guard, SecurityCompany

K1_S1 = "demo-c1-k1-s1"
NAME = "东港区样本保安"


def k1_guard() -> Guard:
    school = Unit.objects.get(code=K1_S1)
    guard = Guard.objects.filter(unit=school, name=NAME).first()
    if guard is None:
        actor = User.objects.get(username="demo_schooladmin")
        company = SecurityCompany.objects.filter(unit=school, name="东港区样本保安公司").first()
        if company is None:
            company = services.add_company(school, actor=actor, data={"name": "东港区样本保安公司"})
        guard = services.add_guard(
            school,
            actor=actor,
            data={
                "name": NAME,
                "id_number": id_number(dt.date(1982, 5, 6), 901),
                "phone": "13963319001",
                "employment": "contracted",
                "company": company.pk,
                "certificate_no": "东港区样本证001",
                "certificate_expires": dt.date(2030, 1, 1),
                "note": "东港区样本备注",
            },
        )
    return guard


def guard_id() -> int:
    return k1_guard().pk
