"""How training's events read on the timelines: content, quizzes, certificates and class lessons
(see core.audit_render). Themes and stages are named by their titles, in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safecampus.core.audit_render import (
    HIDDEN,
    Choice,
    Count,
    Field,
    Names,
    Obj,
    Ref,
    Show,
    Titles,
    Verb,
    plain,
    register_fields,
    register_target,
    register_verbs,
)

from .class_models import CertificateKind, SessionStatus
from .manage_forms import grade_choices
from .models import Audience, LessonKind

register_verbs(
    {
        "training.campaign_created": Verb(_("Campaign created"), "plus-circle"),
        "training.campaign_updated": Verb(_("Campaign updated"), "pencil"),
        "training.campaign_publish": Verb(_("Published"), "broadcast"),
        "training.campaign_unpublish": Verb(_("Back to draft"), "arrow-counterclockwise"),
        "training.campaign_archive": Verb(_("Archived"), "archive"),
        "training.theme_saved": Verb(_("Theme saved"), "tags"),
        "training.stage_saved": Verb(_("Stage saved"), "flag"),
        "training.package_loaded": Verb(_("Content package loaded"), "file-earmark-zip"),
        "training.course_created": Verb(_("Course created"), "plus-circle"),
        "training.course_updated": Verb(_("Course updated"), "pencil"),
        "training.course_publish": Verb(_("Published"), "broadcast"),
        "training.course_unpublish": Verb(_("Back to draft"), "arrow-counterclockwise"),
        "training.course_archive": Verb(_("Archived"), "archive"),
        "training.lesson_created": Verb(_("Lesson added"), "collection-play"),
        "training.lesson_updated": Verb(_("Lesson changed"), "pencil"),
        "training.image_added": Verb(_("Image uploaded"), "image"),
        "training.quiz_saved": Verb(_("Quiz settings saved"), "ui-checks"),
        "training.question_added": Verb(_("Question added"), "patch-question"),
        "training.question_updated": Verb(_("Question changed"), "patch-question"),
        "training.lessons_assigned": Verb(_("Lessons assigned to the class"), "calendar-plus"),
        "training.lesson_unassigned": Verb(_("Lesson taken off the class's schedule"), "calendar-x"),
        "training.classroom_started": Verb(_("Classroom lesson started"), "easel"),
        "training.classroom_finished": Verb(_("Classroom lesson finished"), "easel2"),
        "training.classroom_cancelled": Verb(_("Classroom lesson cancelled"), "x-circle"),
        # A learner's own quiz and certificates: on their records, not on the school's feed.
        "training.quiz_submitted": Verb(_("Quiz submitted"), "ui-checks", feed=False),
        "training.certificate_issued": Verb(_("Certificate issued"), "award", feed=False),
        "training.certificate_updated": Verb(_("Certificate updated"), "award", feed=False),
    }
)


def _campaign_of(event: Any) -> Any:
    """The campaign an event's theme and stage keys belong to."""
    if event.target_type == "training.campaign":
        return event.target_id
    for side in (event.after, event.before):
        if isinstance(side, dict) and side.get("campaign"):
            return side["campaign"]
    return None


class InCampaign(Show):
    """A theme key or stage number, named by its title in the event's campaign."""

    def __init__(self, model: str, field: str) -> None:
        self.model, self.by = model, f"campaign_id,{field}"

    def refs(self, value: Any, event: Any) -> list[Ref]:
        campaign = _campaign_of(event)
        items = value if isinstance(value, list) else [value]
        return [(self.model, self.by, f"{campaign},{v}") for v in items if campaign and v not in (None, "")]

    def __call__(self, value: Any, names: Names, event: Any) -> str:
        campaign = _campaign_of(event)
        items = value if isinstance(value, list) else [value]
        shown = [
            names.get(self.model, self.by, f"{campaign},{v}") or plain(v) for v in items if v is not None
        ]
        return plain(shown) if shown else "—"


class GradeRange(Show):
    """[from, to] grade levels of a course, in words."""

    def __call__(self, value: Any, names: Names, event: Any) -> str:
        if not isinstance(value, list) or len(value) != 2:
            return plain(value)
        lo, hi = value
        if lo is None and hi is None:
            return gettext("every grade")
        grades = dict(grade_choices())
        first = grades.get(str(lo if lo is not None else -3), lo)
        last = grades.get(str(hi if hi is not None else 12), hi)
        return f"{first} – {last}"


register_fields(
    "*",
    {
        "title_en": _("English title"),
        "starts_on": _("Starts on"),
        "ends_on": _("Ends on"),
        "pass_mark": _("Pass mark"),
        "audiences": Field(_("For whom"), Choice(Audience)),
        "grades": Field(_("Grades"), GradeRange()),
        "stage": Field(_("Stage"), InCampaign("training.stage", "number")),
        "theme": Field(_("Theme"), InCampaign("training.theme", "key")),
        "themes": Field(_("Themes"), InCampaign("training.theme", "key")),
        "stages": _("Stages"),
        "duration_s": _("Length (seconds)"),
        "question_count": _("Questions drawn"),
        "attempts_limit": _("Attempts allowed"),
        "courses": _("Courses"),
        "lessons": _("Lessons"),
        "questions": _("Questions"),
        "text": _("Question"),
        "active": _("In use"),
        "lesson_kind": Field(_("Lesson kind"), Choice(LessonKind)),
        "campaign": HIDDEN,
        "question": HIDDEN,
        "image": HIDDEN,
        "media": HIDDEN,
        "quiz": HIDDEN,
        "session": HIDDEN,
    },
)
register_fields("training.theme_saved", {"theme": HIDDEN, "name": _("Theme"), "created": _("New theme")})
register_fields("training.stage_saved", {"stage": Field(_("Stage number"), Show())})
register_fields(
    ["training.quiz_submitted", "training.certificate_issued", "training.certificate_updated"],
    {
        "course": _("Course"),
        "score": _("Score"),
        "passed": _("Passed"),
        "year": _("Year"),
        "hours": _("Hours"),
        "kind": Field(_("Certificate"), Choice(CertificateKind)),
    },
)
register_fields(
    ["training.lessons_assigned", "training.lesson_unassigned"],
    {
        "start_on": _("Starts on"),
        "interval_days": _("Days between lessons"),
        "lessons": Field(_("Lessons"), Titles("title", "due_on")),
        "skipped": Field(_("Already assigned"), Obj("training.lesson")),
        "lesson": HIDDEN,
        "title": _("Lesson"),
        "due_on": _("Due on"),
    },
)
register_fields(
    ["training.classroom_started", "training.classroom_finished", "training.classroom_cancelled"],
    {
        "lesson": HIDDEN,
        "title": _("Lesson"),
        "status": Field(_("Status"), Choice(SessionStatus)),
        "credited_s": _("Credited to each (seconds)"),
        "present": Field(_("Present"), Count()),
        "credited": Field(_("Credited"), Count()),
        "skipped": Field(_("Not credited"), Count()),
    },
)


def _course_quiz(event: Any) -> str | None:
    course = (event.after or {}).get("course") if isinstance(event.after, dict) else None
    return gettext("Quiz: %(course)s") % {"course": course} if course else None


def _certificate(event: Any) -> str | None:
    number = (event.after or {}).get("number") if isinstance(event.after, dict) else None
    return gettext("Certificate %(number)s") % {"number": number} if number else None


register_target("training.quizattempt", _course_quiz)
register_target("training.certificate", _certificate)
