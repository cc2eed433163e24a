"""Demo supervision: if a school of demo-c1-k1 has an open major hazard, the county lists it for
supervision and issues one assignment letter about it. Idempotent (a listed hazard is left alone),
through the services as the county's safety officer. Off when SAFECAMPUS_DEMO_SUPERVISION=0."""

from __future__ import annotations

import datetime as dt
import os

from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.hazards.models import OPEN_STATUSES, Grade, Hazard

from . import services
from .forms import default_body
from .models import Letter, ListedSupervision, ListingStatus

COUNTY = "demo-c1-k1"
OFFICER = "demo_county"


def load_demo_supervision() -> int:
    """Returns how many hazards were listed (0 or 1)."""
    if os.environ.get("SAFECAMPUS_DEMO_SUPERVISION", "1") == "0":
        return 0
    officer = User.objects.filter(username=OFFICER).first()
    hazard = (
        Hazard.objects.filter(
            unit__path__startswith=_county_path(), grade=Grade.MAJOR, status__in=OPEN_STATUSES
        )
        .select_related("unit")
        .order_by("reported_at", "pk")
        .first()
    )
    if officer is None or hazard is None:
        return 0
    if ListedSupervision.objects.filter(hazard=hazard, status=ListingStatus.LISTED).exists():
        return 0
    today = timezone.localdate()
    services.list_hazard(hazard, actor=officer, deadline=today + dt.timedelta(days=30),
                         note="每周五前报送整改进展，整改完成后申请验收销号。")  # fmt: skip
    if not Letter.objects.filter(hazards=hazard).exists():
        data = {"kind": "assignment", "hazards": [hazard.pk], "body": default_body("assignment"),
                "deadline": today + dt.timedelta(days=15)}  # fmt: skip
        services.issue_letter(hazard.unit, actor=officer, data=data)
    return 1


def _county_path() -> str:
    from safecampus.core.models import Unit

    unit = Unit.objects.filter(code=COUNTY).first()
    return unit.path if unit else "-"
