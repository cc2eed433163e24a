"""Participation facts for progress written in bulk (the demo), derived from the day facts and
course progress the same way the live path records them; then the cells are rebuilt."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from safecampus.training.models import Campaign, Course
from safecampus.training.progress_models import CourseProgress, LearningDay

from .models import Participation


@transaction.atomic
def backfill_campaign(campaign: Campaign) -> int:
    """Replace the campaign's participation facts; returns how many were written."""
    stage_of = dict(Course.objects.filter(campaign=campaign).values_list("pk", "stage_id"))
    progress = {(p.learner_id, p.course_id): p for p in CourseProgress.objects.filter(campaign=campaign)}
    events: list[tuple[Any, int, int, int, dict[str, Any]]] = []
    facts = LearningDay.objects.filter(course__campaign=campaign, credited_s__gt=0).order_by("day", "id")
    for f in facts.values(
        "id", "learner_id", "course_id", "day", "unit_id", "unit_path", "grade_id", "class_id", "audience"
    ):
        events.append((f["day"], 0, f["id"], f["course_id"], f))
    for p in progress.values():
        if p.passed_at is not None:
            node = {"learner_id": p.learner_id, "unit_id": p.unit_id, "unit_path": p.unit_path, "grade_id": 0,
                    "class_id": 0, "audience": p.audience}  # fmt: skip
            events.append((timezone.localtime(p.passed_at).date(), 1, p.pk, p.course_id, node))
    events.sort(key=lambda e: e[:3])
    rows: dict[tuple[int, int, int], Participation] = {}
    for day, _kind, _id, course_id, f in events:
        stage_id = stage_of[course_id] or 0
        scopes = [(stage_id, course_id), (0, 0)] + ([(stage_id, 0)] if stage_id else [])
        for stage, course in scopes:
            key = (f["learner_id"], stage, course)
            if key not in rows:
                rows[key] = Participation(
                    learner_id=f["learner_id"], campaign=campaign, stage_id=stage, course_id=course,
                    audience=f["audience"], unit_id=f["unit_id"], unit_path=f["unit_path"],
                    grade_id=f["grade_id"], class_id=f["class_id"], first_day=day,
                )  # fmt: skip
    changed = []
    for (learner_id, _stage, course_id), row in rows.items():
        p = progress.get((learner_id, course_id)) if course_id else None
        if p is None:
            continue
        if p.completed_at:
            row.completed_day = timezone.localtime(p.completed_at).date()
        if p.passed_at:
            row.passed_day = timezone.localtime(p.passed_at).date()
        p.first_day = row.first_day
        changed.append(p)
    Participation.objects.filter(campaign=campaign).delete()
    Participation.objects.bulk_create(rows.values(), batch_size=1000)
    CourseProgress.objects.bulk_update(changed, ["first_day"], batch_size=1000)
    return len(rows)
