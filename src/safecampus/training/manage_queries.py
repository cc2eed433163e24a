"""Read side of content management, always scoped.

A manager (permission `training.manage` at their active unit) sees the campaigns of their
subtree (`visible_to`), the published campaigns offered to them from above (`offered_to`),
to which they may add their own courses, and any campaign in which their subtree has courses.
Inside a campaign they see their subtree's courses (which they manage) and the courses offered
to them from above (read only); never a sibling's. Missing and forbidden objects are both 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from safecampus.core.access import home_unit
from safecampus.core.models import Unit
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at

from .models import Campaign, ContentStatus, Course, Lesson, LessonImage, Question, offered_paths


def managing_unit(user: Any) -> Unit:
    """The unit the user manages training for (their active role's unit), or 403."""
    unit = home_unit(user, Perm.MANAGE_TRAINING)
    if unit is None:
        raise PermissionDenied(Perm.MANAGE_TRAINING)
    return unit


def can_manage(user: Any, obj: Campaign | Course | Lesson) -> bool:
    return has_perm_at(user, Perm.MANAGE_TRAINING, obj.unit)


def courses_seen_by(user: Any) -> QuerySet[Course]:
    """Courses of the user's subtree and courses offered to them from above."""
    return Course.objects.visible_to(user) | Course.objects.offered_to(user)


def campaigns_for(user: Any) -> QuerySet[Campaign]:
    own = Campaign.objects.visible_to(user)
    offered = Campaign.objects.offered_to(user).filter(status=ContentStatus.PUBLISHED)
    with_courses = Campaign.objects.filter(pk__in=Course.objects.visible_to(user).values("campaign"))
    return (own | offered | with_courses).distinct().select_related("unit")


def campaign_for(user: Any, campaign_id: int) -> Campaign:
    campaign = campaigns_for(user).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign


def campaign_for_manager(user: Any, campaign_id: int) -> Campaign:
    """A campaign the user may change itself (its unit is in their subtree); 404 otherwise."""
    campaign = campaign_for(user, campaign_id)
    if not can_manage(user, campaign):
        raise Http404
    return campaign


def courses_in(user: Any, campaign: Campaign) -> list[Course]:
    """The campaign's courses the user sees, each with `lesson_count`, `question_count`, `mine`."""
    courses = list(
        courses_seen_by(user)
        .filter(campaign=campaign)
        .select_related("unit", "stage", "theme")
        .annotate(
            lesson_count=Count("lessons", distinct=True),
            question_count=Count("questions", filter=Q(questions__is_active=True), distinct=True),
        )
        .order_by(F("stage__number").asc(nulls_last=True), "order", "id")
    )
    for course in courses:
        course.mine = can_manage(user, course)
    return courses


def course_counts(user: Any, campaigns: list[Campaign]) -> dict[int, int]:
    rows = (
        courses_seen_by(user)
        .filter(campaign__in=campaigns)
        .order_by()
        .values("campaign")
        .annotate(n=Count("pk", distinct=True))
    )
    return {row["campaign"]: row["n"] for row in rows}


def course_for(user: Any, course_id: int) -> Course:
    """A course the user manages (their subtree's); 404 otherwise."""
    course = (
        Course.objects.visible_to(user)
        .select_related("campaign", "unit", "stage", "theme")
        .filter(pk=course_id)
    )
    found = course.first()
    if found is None or not can_manage(user, found):
        raise Http404
    return found


def lesson_for(user: Any, lesson_id: int) -> Lesson:
    found = (
        Lesson.objects.visible_to(user)
        .select_related("course__campaign", "unit")
        .filter(pk=lesson_id)
        .first()
    )
    if found is None or not can_manage(user, found):
        raise Http404
    return found


def question_for(user: Any, question_id: int) -> Question:
    found = (
        Question.objects.filter(course__in=Course.objects.visible_to(user))
        .select_related("course__campaign", "course__unit")
        .filter(pk=question_id)
        .first()
    )
    if found is None or not can_manage(user, found.course):
        raise Http404
    return found


# -- what learners and managers may watch (media) ------------------------------------------------
def lesson_for_viewer(user: Any, lesson_id: int) -> Lesson:
    """A lesson whose files the user may fetch: offered to them (a learner) or in their subtree.
    Drafts (course or campaign) only for those who manage the lesson."""
    lesson = (
        (Lesson.objects.offered_to(user) | Lesson.objects.visible_to(user))
        .select_related("course__campaign")
        .filter(pk=lesson_id)
        .first()
    )
    if lesson is None:
        raise Http404
    draft = ContentStatus.DRAFT in (lesson.course.status, lesson.course.campaign.status)
    if draft and not can_manage(user, lesson):
        raise Http404
    return lesson


def image_for_viewer(user: Any, image_id: int) -> LessonImage:
    paths = offered_paths(user)
    image = (
        (LessonImage.objects.visible_to(user) | LessonImage.objects.filter(unit_path__in=paths))
        .filter(pk=image_id)
        .first()
    )
    if image is None:
        raise Http404
    return image
