"""Dual prevention and supervision for the benchmark province (`safecampus bench-data
--hazards-per-school N --risk-points-per-school N --letters-per-county N`), at realistic density.

Bulk rows written directly (as `stats.benchdata` writes the roster), seeded and reproducible:

- hazards reported over the last half year, most closed, some open, some running past their
  deadline and escalated as the nightly job would; about 3 % major;
- risk points graded from low to major (about 2 % major, 10 % high), nearly all confirmed;
- letters from each county bureau to its schools over the year, open and closed, naming one of
  the school's hazards; open major hazards listed for supervision (挂牌督办) by the county;
- a city bureau administrator `bench_city` (first city) and a county safety officer
  `bench_county` (first county), beside the province administrator `bench_admin`.

Then the hazard statistics' cells are rebuilt from the hazards.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.roles import Role
from safecampus.hazards.models import Escalation, Grade, Hazard, Resolution, Source, Status
from safecampus.risks.models import Category, ControlLevel, Level, Method, RiskPoint
from safecampus.risks.models import Status as PointStatus
from safecampus.supervision.models import (
    OPEN_LETTER_STATUSES,
    LetterCounter,
    LetterKind,
    LetterStatus,
    ListedSupervision,
)
from safecampus.supervision.models import Letter as LetterModel
from safecampus.supervision.numbering import format_number

BATCH = 5000
CITY_USER, COUNTY_USER = "bench_city", "bench_county"
# (status, share) of a school's hazards over half a year
HAZARD_MIX = [
    (Status.CLOSED, 0.70), (Status.REJECTED, 0.05), (Status.REPORTED, 0.05), (Status.CONFIRMED, 0.03),
    (Status.ASSIGNED, 0.05), (Status.RECTIFYING, 0.08), (Status.SUBMITTED, 0.04),
]  # fmt: skip
LEVEL_MIX = [(Level.MAJOR, 0.02), (Level.HIGH, 0.10), (Level.MODERATE, 0.30), (Level.LOW, 0.58)]
LETTER_MIX = [(LetterStatus.CLOSED, 0.6), (LetterStatus.ISSUED, 0.25), (LetterStatus.REPLIED, 0.1),
              (LetterStatus.RETURNED, 0.05)]  # fmt: skip
LEC_SCORE = {Level.MAJOR: 400, Level.HIGH: 200, Level.MODERATE: 90, Level.LOW: 20}


@dataclass
class Density:
    hazards_per_school: int = 6
    risk_points_per_school: int = 12
    letters_per_county: int = 10


def _pick(rnd: random.Random, mix: list[tuple[Any, float]]) -> Any:
    x, total = rnd.random(), 0.0
    for value, share in mix:
        total += share
        if x < total:
            return value
    return mix[-1][0]


def bench_users(root: Unit) -> dict[str, User]:
    """The city and county users of the benchmark (created once)."""
    city = Unit.objects.filter(path__startswith=root.path, kind=UnitKind.CITY).order_by("path").first()
    county = Unit.objects.filter(path__startswith=city.path, kind=UnitKind.COUNTY).order_by("path").first()
    out = {}
    for username, unit, role, name in [
        (CITY_USER, city, Role.BUREAU_ADMIN, "基准市管理员"),
        (COUNTY_USER, county, Role.SAFETY_OFFICER, "基准区安全员"),
    ]:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username, None, name=name)
            Membership.objects.create(user=user, unit=unit, role=role)
        out[username] = user
    return out


def _hazard(rnd: random.Random, school: Unit, now: dt.datetime, today: dt.date) -> Hazard:
    status = _pick(rnd, HAZARD_MIX)
    reported = now - dt.timedelta(days=rnd.uniform(0, 180), minutes=rnd.randint(0, 600))
    category = rnd.choice(Category.values)
    h = Hazard(
        source=rnd.choice(Source.values), category=category,
        grade=Grade.MAJOR if rnd.random() < 0.03 else Grade.GENERAL,
        location=f"{rnd.choice(['教学楼', '宿舍楼', '食堂', '操场', '实验楼'])}{rnd.randint(1, 5)}层",
        description="基准隐患：消防通道堆放杂物，需清理。", status=status, reported_at=reported,
        status_changed_at=reported,
    )  # fmt: skip
    h.set_unit(school)
    if status not in (Status.REPORTED, Status.REJECTED):
        h.confirmed_at = reported + dt.timedelta(hours=rnd.randint(1, 48))
        h.status_changed_at = h.confirmed_at
    if status == Status.REJECTED:
        h.reject_reason = "不属于隐患。"
    if status in (Status.ASSIGNED, Status.RECTIFYING, Status.SUBMITTED, Status.CLOSED):
        h.assigned_at = h.confirmed_at + dt.timedelta(hours=rnd.randint(1, 24))
        h.deadline = timezone.localtime(h.assigned_at).date() + dt.timedelta(days=rnd.choice([7, 14, 30]))
        h.measures, h.status_changed_at = "清理杂物，设置警示标志。", h.assigned_at
    if status in (Status.RECTIFYING, Status.SUBMITTED, Status.CLOSED):
        h.started_at = h.assigned_at + dt.timedelta(hours=rnd.randint(1, 24))
        h.status_changed_at = h.started_at
    if status in (Status.SUBMITTED, Status.CLOSED):
        h.submitted_at = min(h.started_at + dt.timedelta(days=rnd.uniform(0.5, 20)), now)
        h.submit_note, h.status_changed_at = "已整改。", h.submitted_at
    if status == Status.CLOSED:
        h.closed_at = min(h.submitted_at + dt.timedelta(hours=rnd.randint(1, 48)), now)
        h.resolution = Resolution.ON_SPOT if rnd.random() < 0.15 else Resolution.VERIFIED
        h.status_changed_at = h.closed_at
    if h.overdue_days(today) > 0:
        h.escalation = Escalation.CITY if h.overdue_days(today) > 15 else Escalation.COUNTY
        h.escalated_at = now
    return h


def _point(rnd: random.Random, school: Unit, n: int, now: dt.datetime) -> RiskPoint:
    level = _pick(rnd, LEVEL_MIX)
    point = RiskPoint(
        name=f"风险点{n + 1}", category=rnd.choice(Category.values), location=f"区域{n + 1}",
        control_level=rnd.choice(ControlLevel.values), method=Method.LEC, lec_l=Decimal(3),
        lec_e=Decimal(6), lec_c=Decimal(LEC_SCORE[level]) / 18, score=Decimal(LEC_SCORE[level]), level=level,
        status=PointStatus.CONFIRMED if rnd.random() < 0.95 else PointStatus.DRAFT,
        policy_version="bench", confirmed_at=now - dt.timedelta(days=rnd.randint(1, 300)),
        review_date=now.date() + dt.timedelta(days=rnd.randint(-30, 330)),
    )  # fmt: skip
    point.set_unit(school)
    return point


def _letters(rnd: random.Random, county: Unit, schools: list[Unit], hazards: dict[int, list[int]],
             n: int, now: dt.datetime) -> list[tuple[LetterModel, int | None]]:  # fmt: skip
    out = []
    year = timezone.localtime(now).year
    for seq in range(1, n + 1):
        school = rnd.choice(schools)
        status = _pick(rnd, LETTER_MIX)
        issued = now - dt.timedelta(days=rnd.uniform(0, 300))
        letter = LetterModel(
            bureau=county, kind=LetterKind.ASSIGNMENT, year=year, seq=seq,
            number=format_number(LetterKind.ASSIGNMENT, year, seq), body="请于期限内完成整改并书面回复。",
            deadline=timezone.localtime(issued).date() + dt.timedelta(days=15), status=status,
            status_changed_at=issued, issued_at=issued,
        )  # fmt: skip
        if status != LetterStatus.ISSUED:
            letter.replied_at = issued + dt.timedelta(days=rnd.uniform(1, 14))
            letter.reply_text, letter.reply_count = "已按要求整改完毕。", 1
        if status in (LetterStatus.CLOSED, LetterStatus.RETURNED):
            letter.reviewed_at = letter.replied_at + dt.timedelta(days=1)
        letter.set_unit(school)
        named = hazards.get(school.pk) or [None]
        out.append((letter, rnd.choice(named)))
    return out


def generate_pages_data(root: Unit, density: Density, *, seed: int = 2026,
                        log: Callable[[str], Any] = print) -> dict[str, int]:  # fmt: skip
    """Hazards, risk points, letters and listings for every school under `root` (see above)."""
    rnd = random.Random(seed)  # noqa: S311 (synthetic data, reproducible)
    now, today = timezone.now(), timezone.localdate()
    schools = list(Unit.objects.filter(path__startswith=root.path, kind=UnitKind.SCHOOL).order_by("path"))
    counties = list(Unit.objects.filter(path__startswith=root.path, kind=UnitKind.COUNTY).order_by("path"))
    bench_users(root)
    with transaction.atomic():
        hazards = [_hazard(rnd, s, now, today) for s in schools for _ in range(density.hazards_per_school)]
        Hazard.objects.bulk_create(hazards, batch_size=BATCH)
        log(f"  hazards: {len(hazards):,}")
        points = [_point(rnd, s, n, now) for s in schools for n in range(density.risk_points_per_school)]
        RiskPoint.objects.bulk_create(points, batch_size=BATCH)
        log(f"  risk points: {len(points):,}")
        by_school: dict[int, list[int]] = {}
        for h in hazards:
            by_school.setdefault(h.unit_id, []).append(h.pk)
        county_of = {c.path: c for c in counties}
        under: dict[int, list[Unit]] = {}
        for s in schools:
            under.setdefault(county_of[s.path[: len(counties[0].path)]].pk, []).append(s)
        letters: list[tuple[LetterModel, int | None]] = []
        for county in counties:
            letters += _letters(rnd, county, under[county.pk], by_school, density.letters_per_county, now)
        LetterModel.objects.bulk_create([x for x, _ in letters], batch_size=BATCH)
        through = LetterModel.hazards.through
        through.objects.bulk_create(
            [through(letter_id=x.pk, hazard_id=h) for x, h in letters if h is not None], batch_size=BATCH
        )
        year = timezone.localtime(now).year
        LetterCounter.objects.bulk_create(
            [LetterCounter(bureau=c, kind=LetterKind.ASSIGNMENT, year=year, last=density.letters_per_county)
             for c in counties], batch_size=BATCH,
        )  # fmt: skip
        listings = []
        for h in hazards:
            if h.grade == Grade.MAJOR and h.is_open and rnd.random() < 0.5:
                school_county = county_of[h.unit_path[: len(counties[0].path)]]
                deadline = today + dt.timedelta(days=rnd.randint(-10, 30))
                listing = ListedSupervision(
                    hazard=h, bureau=school_county, listed_at=h.reported_at, deadline=deadline
                )
                listing.set_unit(h.unit)
                listings.append(listing)
        ListedSupervision.objects.bulk_create(listings, batch_size=BATCH)
        log(f"  letters: {len(letters):,}, listings: {len(listings):,}")
    _rebuild_hazard_cells()
    return {
        "hazards": len(hazards),
        "open_hazards": sum(1 for h in hazards if h.is_open),
        "risk_points": len(points),
        "letters": len(letters),
        "open_letters": sum(1 for x, _ in letters if x.status in OPEN_LETTER_STATUSES),
        "listings": len(listings),
    }


def _rebuild_hazard_cells() -> None:
    from safecampus.hazards import recount
    from safecampus.risks.counts import RISKS

    recount.rebuild()
    RISKS.rebuild()
