"""Driving the hazard loop through its services for the statistics tests, and a naive count of
the hazards to compare the figures with."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.hazards import counting, services
from safecampus.hazards.models import OPEN_STATUSES, RUNNING_STATUSES, Grade, Hazard, Status

from .conftest import photo_file

CATEGORIES = ["fire", "utilities"]
SOURCES = ["patrol", "self_check", "staff_report"]


class Cast:
    """Who reports, manages, rectifies and verifies at the two schools of the tests."""

    def __init__(self) -> None:
        u = {
            n: User.objects.get(username=n)
            for n in ("demo_guard", "demo_safety", "demo_teacher", "demo_principal2", "demo_operator")
        }
        self.schools = [Unit.objects.get(code="demo-c1-k1-s1"), Unit.objects.get(code="demo-c1-k2-s1")]
        self.finder = [u["demo_guard"], u["demo_principal2"]]
        self.manager = [u["demo_safety"], u["demo_principal2"]]
        self.rectifier = [u["demo_teacher"], u["demo_principal2"]]
        self.verifier = u["demo_operator"]  # never the rectifier; may accept major hazards

    def at(self, hazard: Hazard) -> int:
        return 0 if hazard.unit_id == self.schools[0].pk else 1

    def report(
        self, school: int, grade: str = Grade.GENERAL, category: str = "fire", source: str = "patrol"
    ) -> Hazard:
        data = {
            "category": category,
            "grade": grade,
            "source": source,
            "location": "操场",
            "description": "坑洼",
        }
        return services.report(self.schools[school], actor=self.finder[school], data=data)[0]

    def step(self, hazard: Hazard, choice: int, deadline_days: int = 3) -> str | None:
        """Take one of the actions possible in the hazard's status (by `choice`)."""
        i = self.at(hazard)
        options = {
            Status.REPORTED: ["confirm", "reject"]
            + (["close_on_spot"] if hazard.grade == Grade.GENERAL else []),
            Status.CONFIRMED: ["assign"],
            Status.ASSIGNED: ["start", "assign"],
            Status.RECTIFYING: ["submit"],
            Status.SUBMITTED: ["verify", "send_back"],
        }.get(hazard.status)
        if not options:
            return None
        action = options[choice % len(options)]
        actor: Any = {
            "confirm": self.manager[i],
            "reject": self.manager[i],
            "assign": self.manager[i],
            "start": self.rectifier[i],
            "submit": self.rectifier[i],
            "verify": self.verifier,
            "send_back": self.verifier,
            "close_on_spot": self.finder[i],
        }[action]
        data: dict[str, Any] = {
            "reason": "理由",
            "note": "说明",
            "measures": "措施",
            "plan": "方案",
            "interim_measures": "警示",
            "rectifier": self.rectifier[i].pk,
            "deadline": timezone.localdate() + dt.timedelta(days=deadline_days),
        }
        if action == "confirm" and choice % 7 == 3:
            data["grade"] = Grade.MAJOR  # the reviewer raises the grade
        photos = [photo_file()] if action in ("submit", "close_on_spot") else []
        services.act(hazard, actor=actor, action=action, data=data, photos=photos)
        hazard.refresh_from_db()
        return action

    def run(self, hazard: Hazard, *choices: int) -> Hazard:
        for c in choices:
            self.step(hazard, c)
        return hazard


def naive(unit: Unit, months: tuple[int | None, int | None] = (None, None), **dims: str) -> dict[str, Any]:
    """The totals of `figures.Summary.as_dict()` counted hazard by hazard."""
    today = timezone.localdate()
    start, end = months
    hazards = [
        h
        for h in Hazard.objects.filter(unit_path__startswith=unit.path, **dims)
        if (not start or counting.month_of(h.reported_at) >= start)
        and (not end or counting.month_of(h.reported_at) <= end)
    ]
    closures = [
        h
        for h in Hazard.objects.filter(unit_path__startswith=unit.path, status=Status.CLOSED, **dims)
        if (not start or counting.month_of(h.closed_at) >= start)
        and (not end or counting.month_of(h.closed_at) <= end)
    ]
    closed = [h for h in hazards if h.status == Status.CLOSED]
    rejected = sum(h.status == Status.REJECTED for h in hazards)
    due = [h for h in closed if h.resolution != "on_spot"]
    on_time = [h for h in due if timezone.localtime(h.submitted_at).date() <= h.deadline]
    valid = len(hazards) - rejected
    return {
        "reported": len(hazards),
        "valid": valid,
        "rejected": rejected,
        "closed": len(closed),
        "closed_on_time": len(on_time),
        "closed_with_deadline": len(due),
        "on_spot": sum(h.resolution == "on_spot" for h in closed),
        "open": sum(h.status in OPEN_STATUSES for h in hazards),
        "overdue": sum(h.status in RUNNING_STATUSES and h.deadline < today for h in hazards),
        "closures": len(closures),
        "rectification_rate": round(len(closed) / valid, 6) if valid else None,
        "on_time_rate": round(len(on_time) / len(due), 6) if due else None,
    }


def levels() -> list[Unit]:
    """Every unit from the province down to the two schools of the cast."""
    out: dict[int, Unit] = {}
    for code in ("demo-c1-k1-s1", "demo-c1-k2-s1"):
        school = Unit.objects.get(code=code)
        for u in [*school.get_ancestors(), school]:
            out[u.pk] = u
    return list(out.values())
