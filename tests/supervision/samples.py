"""Supervision samples of demo-c1-k1-s1 for the tenancy walk (made on first use, through the
services): a major hazard listed for supervision and a letter about it, replied to. Texts carry
"东港区" so the walk notices any leak."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.hazards import services as hazard_services
from safecampus.hazards.models import Hazard
from safecampus.supervision import services
from safecampus.supervision.models import Letter, ListedSupervision

K1_S1 = "demo-c1-k1-s1"
LOCATION = "东港区样本锅炉房"


def k1_hazard() -> Hazard:
    hazard = Hazard.objects.filter(unit__code=K1_S1, location=LOCATION).first()
    if hazard is None:
        school = Unit.objects.get(code=K1_S1)
        safety = User.objects.get(username="demo_safety")
        data = {"source": "self_check", "category": "fire", "grade": "major", "location": LOCATION,
                "description": "东港区样本：锅炉房安全阀失效"}  # fmt: skip
        hazard, _created = hazard_services.report(school, actor=safety, data=data)
    return hazard


def k1_listing() -> ListedSupervision:
    hazard = k1_hazard()
    listing = ListedSupervision.objects.filter(hazard=hazard).first()
    if listing is None:
        county = User.objects.get(username="demo_county")
        deadline = timezone.localdate() + dt.timedelta(days=20)
        listing = services.list_hazard(hazard, actor=county, deadline=deadline, note="东港区挂牌督办")
    return listing


def k1_letter() -> Letter:
    hazard = k1_hazard()
    letter = Letter.objects.filter(hazards=hazard).first()
    if letter is None:
        county = User.objects.get(username="demo_county")
        deadline = timezone.localdate() + dt.timedelta(days=10)
        data = {
            "kind": "assignment",
            "hazards": [hazard.pk],
            "body": "东港区：请立即整改",
            "deadline": deadline,
        }
        letter = services.issue_letter(hazard.unit, actor=county, data=data)
        principal = User.objects.get(username="demo_principal")
        services.act_letter(letter, actor=principal, action="reply", data={"text": "东港区实验小学已整改"})
    return letter


def hazard_id() -> int:
    return k1_hazard().pk


def listing_id() -> int:
    return k1_listing().pk


def letter_id() -> int:
    return k1_letter().pk
