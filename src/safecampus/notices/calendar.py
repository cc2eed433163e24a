"""The seasonal warning calendar: policy data (`notices.calendar` in core/policies/default.yaml)
that proposes ready drafts to bureaus and schools while each entry is in season.

An entry is in season in its `months`, or in the `days_before` days before a holiday of the
unit's school calendar whose name contains `before_holiday` (the summer holiday for drowning, the
winter holiday for Spring Festival fireworks). A *season* is named by the year it began, so a
unit is proposed each entry once a season: the proposal goes once the unit has a notice (draft or
published) made from it for that season. The texts are here, translated; the sender adapts them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecampus.core.models import Unit
from safecampus.core.policy import policy_for

from .models import Notice

TEXTS: dict[str, tuple[Any, Any]] = {
    "drowning": (
        _("Drowning prevention: a letter to parents"),
        _(
            "Dear parents,\n\nThe weather is warm and children like to play near water. Every year "
            "drowning takes children's lives. Please remind your child of the “six don'ts”: do not "
            "swim without an adult, do not swim with classmates alone, do not swim in unfamiliar waters, "
            "do not swim in rivers, ponds or reservoirs without safety facilities, do not go into the "
            "water to rescue someone without the skill, and do not play near water on the way to and "
            "from school.\n\nKnow where your child is after school and at weekends. Sign this receipt "
            "to confirm that you have read it and talked with your child."
        ),
    ),
    "drowning_summer": (
        _("Before the summer holiday: drowning prevention letter to parents"),
        _(
            "Dear parents,\n\nThe summer holiday begins soon: the season when most drownings of pupils "
            "happen. Keep your child away from rivers, ponds, reservoirs and building-site pits; let "
            "them swim only in safe pools with an adult; teach them to call for help rather than jump "
            "in. You are your child's guardian during the holiday. Sign this receipt for each child."
        ),
    ),
    "flood_season": (
        _("Flood season: safety warning"),
        _(
            "The flood season has begun. Check the school's buildings, walls, slopes and drains; keep "
            "pupils away from flooded roads and rising rivers; follow the weather warnings and be "
            "ready to change the school day. Confirm that your school has taken these measures."
        ),
    ),
    "typhoon": (
        _("Typhoon warning"),
        _(
            "A typhoon is approaching. Follow the meteorological warnings; secure or remove loose "
            "objects, billboards and scaffolding; check dormitories and classrooms; stop outdoor "
            "activities; arrange pupils' safe journeys or their stay at school. Acknowledge this "
            "warning and report the measures taken."
        ),
    ),
    "lightning": (
        _("Thunderstorm and lightning warning"),
        _(
            "During thunderstorms stay indoors, keep away from trees, poles and water, and do not use "
            "umbrellas with metal tips in open ground. Teachers stop outdoor activities when thunder "
            "is heard."
        ),
    ),
    "winter_fire_co": (
        _("Winter fire and carbon monoxide safety"),
        _(
            "Heating season brings the risks of fire and carbon-monoxide poisoning. Check heaters, "
            "wiring and fire exits at school; at home never use charcoal or coal stoves in closed "
            "rooms, keep a window open and install a carbon-monoxide alarm. Confirm that you have "
            "read this warning."
        ),
    ),
    "fireworks": (
        _("Spring Festival fireworks safety: a letter to parents"),
        _(
            "Dear parents,\n\nThe Spring Festival is coming. Children must not set off fireworks "
            "alone; buy only legal products, light them in open places away from buildings and "
            "people, and never throw them into drains or near vehicles. Sign this receipt to confirm."
        ),
    ),
    "infectious_disease": (
        _("Infectious disease season: prevention notice"),
        _(
            "Influenza and other infectious diseases spread easily in this season. Keep classrooms "
            "aired, check pupils each morning, report absences due to illness, and keep sick children "
            "at home until they are well."
        ),
    ),
    "exam_stress": (
        _("Exam season: caring for pupils' mental health"),
        _(
            "Exams are near. Help children keep regular sleep and exercise, talk with them calmly "
            "about results, and watch for signs of anxiety or low mood. The school's counsellor is "
            "there to help; call the school if you are worried."
        ),
    ),
}


@dataclass(frozen=True)
class Proposal:
    key: str
    season: str
    unit: Unit
    entry: dict[str, Any]

    @property
    def title(self) -> str:
        return str(TEXTS[self.key][0])

    @property
    def body(self) -> str:
        return str(TEXTS[self.key][1])

    def draft_data(self) -> dict[str, Any]:
        """What `services.create_notice` gets for the draft (the audience at the sender's unit)."""
        e = self.entry
        audience = dict(e.get("audience") or {})
        return {
            "title": self.title,
            "body": self.body,
            "kind": e.get("kind") or "notice",
            "confirm": e.get("confirm") or "read",
            "signature": bool(e.get("signature")),
            "ack_hours": e.get("ack_hours") if self.unit.is_bureau else None,
            "require_report": bool(e.get("ack_hours")) and self.unit.is_bureau,
            "audience": audience,
            "calendar_key": self.key,
            "season": self.season,
        }


def _months_season(months: list[int], today: dt.date) -> str | None:
    if today.month not in months:
        return None
    start, year = today.month, today.year
    for _step in range(12):
        prev = 12 if start == 1 else start - 1
        if prev not in months:
            break
        if start == 1:
            year -= 1
        start = prev
    return f"{year}"


def _holiday_season(unit: Unit, name: str, days: int, today: dt.date) -> str | None:
    from safecampus.schoolcal.calendar import calendar_for

    cal = calendar_for(unit, on=today)
    for h in cal.holidays(today, today + dt.timedelta(days=days)):
        if name in h.name and today <= h.start <= today + dt.timedelta(days=days):
            return f"{h.start.year}"
    return None


def season_of(entry: dict[str, Any], unit: Unit, today: dt.date) -> str | None:
    """The season the entry is in at `unit` today, or None."""
    if entry.get("months"):
        return _months_season([int(m) for m in entry["months"]], today)
    if entry.get("before_holiday"):
        return _holiday_season(unit, str(entry["before_holiday"]), int(entry.get("days_before") or 14), today)
    return None


def in_season(unit: Unit, today: dt.date | None = None) -> list[Proposal]:
    """Every calendar entry in season at `unit` (whether or not already used)."""
    today = today or timezone.localdate()
    entries = policy_for(unit, today).get("notices", {}).get("calendar", [])
    out = []
    for entry in entries:
        key = entry.get("key")
        if key not in TEXTS:
            continue
        season = season_of(entry, unit, today)
        if season:
            out.append(Proposal(key, season, unit, entry))
    return out


def proposals(unit: Unit, today: dt.date | None = None) -> list[Proposal]:
    """The entries in season that the unit has not made a notice from this season yet."""
    found = in_season(unit, today)
    if not found:
        return []
    used = set(
        Notice.objects.filter(unit=unit, calendar_key__in=[p.key for p in found]).values_list(
            "calendar_key", "season"
        )
    )
    return [p for p in found if (p.key, p.season) not in used]


def proposals_for(user: Any, today: dt.date | None = None) -> list[Proposal]:
    from .services import sender_units

    out: list[Proposal] = []
    for unit in sender_units(user):
        out += proposals(unit, today)
    return out


def find(unit: Unit, key: str, today: dt.date | None = None) -> Proposal | None:
    return next((p for p in proposals(unit, today) if p.key == key), None)
