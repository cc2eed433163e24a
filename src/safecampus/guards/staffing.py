"""Guard staffing of schools (seed 001): how many guards a school needs and how many it has.

Required guards, all numbers from the school's policy (`guards:` in core/policies/default.yaml):

- the band of the school's enrolled pupils (`bands`: ≤ 500 → 2, ≤ 1,000 → 3);
- above the last band: the last band's guards + ceil(`above_last_band_rate` × the pupils above
  it) — the seed's "不低于新增加学生数的2%" is a floor, so a fraction rounds up
  (1,001 → 3 + 1 = 4; 1,500 → 3 + 10 = 13);
- plus `boarding_extra` (night duty) when the school has enrolled boarding pupils;
- plus `large_campus.extra_per_gate` for each gate beyond `large_campus.gates_included`
  (the school's `Campus` row; none means one gate).

Counted: `on_post` guards; `certified` those of them with a certificate number and an expiry
date not passed; a school is *compliant* when its full-time, certified, on-post guards reach the
required number (part-timers and uncertified guards do not count, seed 004 "专职保安").
Listed besides: certificates of on-post guards expiring within `expiring_within_days`
(not yet expired), *untrained* on-post guards (training hours this calendar year below
`annual_training_hours` pro rata to the day of the year — hours of the linked account from the
training module; a guard without an account has none), and *over-age* ones (older than `max_age`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from safecampus.core.models import Unit
from safecampus.roster.models import Student, StudentStatus
from safecampus.training.progress_models import LearningDay
from safecampus.training_stats.compliance import PolicyCache, year_fraction

from .models import Campus, Guard, GuardStatus


@dataclass(frozen=True)
class Staffing:
    unit: Unit
    students: int
    required: int
    on_post: int
    certified: int
    compliant: bool
    counted: int = 0  # full-time, certified, on post: what `compliant` compares with `required`
    full_time: int = 0
    expiring: int = 0  # certificates expiring within the policy's days (not yet expired)
    untrained: int = 0
    over_age: int = 0
    boarding: bool = False
    gates: int = 1

    @property
    def short(self) -> int:
        """Guards missing to reach the required number (0 when compliant)."""
        return max(0, self.required - self.counted)

    def as_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit.code,
            "students": self.students,
            "required": self.required,
            "on_post": self.on_post,
            "certified": self.certified,
            "compliant": self.compliant,
        }


def band_guards(students: int, policy: Mapping[str, Any]) -> int:
    """Guards required by the pupil bands alone (see the module docstring)."""
    guards = policy["guards"]
    bands = sorted(guards["bands"], key=lambda b: b["max_students"])
    for band in bands:
        if students <= band["max_students"]:
            return int(band["min_guards"])
    last = bands[-1]
    above = students - int(last["max_students"])
    # Round the product of integers to avoid 0.02 × 500 = 10.000000000000002 → 11.
    rate = round(float(guards["above_last_band_rate"]) * 10_000)
    return int(last["min_guards"]) + math.ceil(above * rate / 10_000)


def required_guards(
    students: int, policy: Mapping[str, Any], *, boarding: bool = False, gates: int = 1
) -> int:
    guards = policy["guards"]
    required = band_guards(students, policy)
    if boarding:
        required += int(guards["boarding_extra"])
    campus = guards["large_campus"]
    required += int(campus["extra_per_gate"]) * max(0, gates - int(campus["gates_included"]))
    return required


def years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _common_path(paths: list[str]) -> str:
    first, last = min(paths), max(paths)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def training_hours(user_ids: Iterable[int], year: int) -> dict[int, float]:
    """Credited training hours per account in the calendar year: the total of
    `training.queries.year_hours` (and of the training compliance report), for many at once."""
    ids = [i for i in set(user_ids) if i]
    if not ids:
        return {}
    rows = (
        LearningDay.objects.filter(learner_id__in=ids, day__year=year)
        .order_by()
        .values("learner")
        .annotate(s=Sum("credited_s"))
        .values_list("learner", "s")
    )
    return {learner: (s or 0.0) / 3600 for learner, s in rows}


def staffing_for_schools(schools: Iterable[Unit], *, today: dt.date | None = None) -> dict[int, Staffing]:
    """Staffing of each school, keyed by unit id, in a constant number of queries (pupils, campuses,
    guards, training hours, policy overrides) whatever the number of schools."""
    units = {u.pk: u for u in schools}
    if not units:
        return {}
    today = today or timezone.localdate()
    prefix = _common_path([u.path for u in units.values()])

    pupils: dict[int, tuple[int, int]] = {}
    for unit_id, n, boarding in (
        Student.objects.filter(unit_path__startswith=prefix, status=StudentStatus.ENROLLED)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("id"), b=Count("id", filter=Q(boarding=True)))
        .values_list("unit_id", "n", "b")
    ):
        if unit_id in units:
            pupils[unit_id] = (n, boarding)
    gates = {
        unit_id: g
        for unit_id, g in Campus.objects.filter(unit_path__startswith=prefix).values_list("unit_id", "gates")
        if unit_id in units
    }
    guards: dict[int, list[tuple]] = defaultdict(list)
    for row in Guard.objects.filter(unit_path__startswith=prefix, status=GuardStatus.ON_POST).values_list(
        "unit_id", "full_time", "certificate_no", "certificate_expires", "birth_date", "user_id"
    ):
        if row[0] in units:
            guards[row[0]].append(row)
    hours = training_hours((r[5] for rows in guards.values() for r in rows), today.year)
    fraction = year_fraction(today.year, today)

    policies = PolicyCache(next(iter(units.values())))
    out: dict[int, Staffing] = {}
    for unit_id, unit in units.items():
        policy = policies.for_unit(unit)
        rules = policy["guards"]
        students, boarders = pupils.get(unit_id, (0, 0))
        n_gates = gates.get(unit_id, 1)
        required = required_guards(students, policy, boarding=boarders > 0, gates=n_gates)
        horizon = today + dt.timedelta(days=int(rules["expiring_within_days"]))
        born_before = years_ago(today, int(rules["max_age"]) + 1)  # born on or before: older than max_age
        expected_hours = float(rules["annual_training_hours"]) * fraction
        on_post = certified = counted = full_time = expiring = untrained = over_age = 0
        for _unit, ft, cert_no, expires, birth, user_id in guards.get(unit_id, ()):
            on_post += 1
            full_time += bool(ft)
            valid = bool(cert_no) and expires is not None and expires >= today
            certified += valid
            counted += valid and bool(ft)
            expiring += valid and expires <= horizon
            untrained += hours.get(user_id, 0.0) + 1e-9 < expected_hours
            over_age += birth is not None and birth <= born_before
        out[unit_id] = Staffing(
            unit=unit,
            students=students,
            required=required,
            on_post=on_post,
            certified=certified,
            compliant=counted >= required,
            counted=counted,
            full_time=full_time,
            expiring=expiring,
            untrained=untrained,
            over_age=over_age,
            boarding=boarders > 0,
            gates=n_gates,
        )
    return out


def staffing_for(school: Unit, *, today: dt.date | None = None) -> Staffing:
    return staffing_for_schools([school], today=today)[school.pk]
