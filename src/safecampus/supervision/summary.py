"""The yearly summary of a bureau's supervision in its area (as Xuchang reports it: 50 assignment
letters and 31 reminder letters, 3 people interviewed, 4 schools penalised), and what is open now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone

from safecampus.core.models import Unit

from .models import Interview, Letter, LetterKind, LetterStatus, ListedSupervision, Sanction, SanctionKind


@dataclass
class YearSummary:
    year: int
    listed: int
    assignment_letters: int
    reminder_letters: int
    replies_to_review: int
    interviews: int
    people_interviewed: int
    notices: int
    penalties: int
    schools_penalised: int


def in_area(user: Any, model: Any, unit: Unit) -> Any:
    return model.objects.visible_to(user).filter(unit_path__startswith=unit.path)


def year_summary(user: Any, unit: Unit, year: int | None = None) -> YearSummary:
    year = year or timezone.localdate().year
    letters = in_area(user, Letter, unit).filter(year=year)
    by_kind = dict(letters.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    interviews = list(in_area(user, Interview, unit).filter(date__year=year).values_list("people", flat=True))
    sanctions = in_area(user, Sanction, unit).filter(date__year=year)
    penalties = sanctions.filter(kind=SanctionKind.PENALTY)
    return YearSummary(
        year=year,
        listed=in_area(user, ListedSupervision, unit).filter(listed_at__year=year).count(),
        assignment_letters=by_kind.get(LetterKind.ASSIGNMENT, 0),
        reminder_letters=by_kind.get(LetterKind.REMINDER, 0),
        replies_to_review=in_area(user, Letter, unit).filter(status=LetterStatus.REPLIED).count(),
        interviews=len(interviews),
        people_interviewed=sum(len(p or []) for p in interviews),
        notices=sanctions.filter(kind=SanctionKind.NOTICE).count(),
        penalties=penalties.count(),
        schools_penalised=penalties.values("unit").distinct().count(),
    )


def years(user: Any, unit: Unit) -> list[int]:
    """Years with letters in the area, and this year, newest first."""
    # order_by(): the model's ordering would make DISTINCT read every letter of the area
    found = set(in_area(user, Letter, unit).order_by().values_list("year", flat=True).distinct())
    return sorted(found | {timezone.localdate().year}, reverse=True)
