"""A class's progress in its campaigns' courses, whether or not its teacher assigned lessons.

Pupils learn the courses a campaign offers their grade on their own; the class board shows how
far each pupil is in them (lessons done of the courses' lessons, time, courses finished) and how
many pupils are learning, next to the lessons the teacher assigned. A class follows the published
campaigns of its school year that offer its grade a student course.

Read for many classes at once: one query for the offered lessons per school and one for the
pupils' course progress, whatever the number of classes or pupils.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from safecampus.roster.models import StudentStatus

from .class_queries import ClassBoard, fitting_lessons, offered_student_lessons
from .models import Campaign, Course
from .progress_models import CourseProgress

DONE, STARTED, NOT_STARTED = "done", "started", "none"


@dataclass
class PupilProgress:
    """One pupil in one campaign's courses."""

    lessons: int  # lessons in the campaign's courses for the class
    lessons_done: int = 0
    seconds: float = 0.0
    courses_done: int = 0
    courses: int = 0

    @property
    def minutes(self) -> int:
        return int(self.seconds // 60)

    @property
    def state(self) -> str:
        if self.courses and self.courses_done >= self.courses:
            return DONE
        return STARTED if self.seconds > 0 or self.lessons_done else NOT_STARTED

    @property
    def percent(self) -> int:
        return round(100 * self.lessons_done / self.lessons) if self.lessons else 0


@dataclass
class CampaignProgress:
    """A class in one campaign: its courses for the class's grade and each pupil's progress."""

    campaign: Campaign
    courses: list[Course]
    lessons: int
    lesson_counts: dict[int, int] = field(default_factory=dict)  # course id -> its lessons
    rows: list[tuple[Any, PupilProgress]] = field(default_factory=list)  # (StudentRow, progress)

    def _count(self, *states: str) -> int:
        return sum(1 for _row, p in self.rows if p.state in states)

    @property
    def learning(self) -> int:
        """Pupils who have started (or finished) the campaign's courses."""
        return self._count(STARTED, DONE)

    @property
    def finished(self) -> int:
        return self._count(DONE)

    @property
    def not_started(self) -> int:
        return self._count(NOT_STARTED)

    @property
    def done_rate(self) -> int | None:
        """Percent of (pupil, lesson) pairs done; None without pupils or lessons."""
        total = self.lessons * len(self.rows)
        if not total:
            return None
        return round(100 * sum(p.lessons_done for _row, p in self.rows) / total)


def _campaigns_of(board: ClassBoard) -> list[CampaignProgress]:
    klass = board.klass
    by_campaign: dict[int, CampaignProgress] = {}
    for lesson in board.offered:
        course = lesson.course
        if course.campaign.school_year != klass.grade.school_year:
            continue
        item = by_campaign.get(course.campaign_id)
        if item is None:
            item = by_campaign[course.campaign_id] = CampaignProgress(course.campaign, [], 0)
        if not item.courses or item.courses[-1].pk != course.pk:
            item.courses.append(course)
        item.lessons += 1
        item.lesson_counts[course.pk] = item.lesson_counts.get(course.pk, 0) + 1
    return list(by_campaign.values())


def attach_campaigns(user: Any, boards: list[ClassBoard]) -> None:
    """Fill `board.offered` and `board.campaigns` of each board (its rows already built)."""
    offered: dict[int, list[Any]] = {}
    for board in boards:
        school = board.klass.unit
        if school.pk not in offered:
            offered[school.pk] = offered_student_lessons(school)
        board.offered = fitting_lessons(offered[school.pk], school, board.klass.grade.level)
        board.campaigns = _campaigns_of(board)
    course_ids = {c.pk for b in boards for item in b.campaigns for c in item.courses}
    class_ids = [b.klass.pk for b in boards if b.campaigns]
    facts: dict[tuple[int, int], tuple[int, float, bool]] = {}
    if course_ids and class_ids:
        in_classes = Q(
            learner__student__school_class_id__in=class_ids, learner__student__status=StudentStatus.ENROLLED
        )
        for learner_id, course_id, done, seconds, completed in (
            CourseProgress.objects.visible_to(user)
            .filter(in_classes, course_id__in=course_ids)
            .values_list("learner_id", "course_id", "lessons_completed", "credited_s", "completed_at")
        ):
            facts[(learner_id, course_id)] = (done, seconds or 0.0, completed is not None)
    for board in boards:
        for item in board.campaigns:
            counts = item.lesson_counts
            for row in board.rows:
                progress = PupilProgress(lessons=item.lessons, courses=len(item.courses))
                for course in item.courses if row.student.user_id else ():
                    done, seconds, completed = facts.get((row.student.user_id, course.pk), (0, 0.0, False))
                    progress.lessons_done += min(done, counts[course.pk])
                    progress.seconds += seconds
                    progress.courses_done += int(completed)
                item.rows.append((row, progress))
