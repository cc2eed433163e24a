"""The learner's pages: home (what is due, progress, continue), children's progress, lesson player."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from safecampus.core.policy import policy_for

from . import queries
from .templatetags.training_tags import local_title


def training_crumbs(*extra: dict) -> list[dict]:
    return [{"label": _("Training"), "url": reverse("training:home")}, *extra]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    view = queries.home_for(request.user)
    return render(
        request,
        "training/learn/home.html",
        {
            "home": view,
            "is_parent": queries.is_parent(request.user),
            "breadcrumbs": [{"label": _("Training")}],
        },
    )


@login_required
def children(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "training/learn/children.html",
        {
            "children": queries.children_progress(request.user),
            "breadcrumbs": training_crumbs({"label": _("My children's learning")}),
        },
    )


@login_required
def lesson(request: HttpRequest, lesson_id: int) -> HttpResponse:
    view = queries.lesson_for(request.user, lesson_id)
    beat = policy_for(view.lesson.unit).training["heartbeat"]
    previous, following = view.neighbours
    return render(
        request,
        "training/learn/lesson.html",
        {
            "view": view,
            "lesson": view.lesson,
            "course": view.course,
            "previous": previous,
            "done_ids": {pk for pk, row in view.card.lesson_rows.items() if row.completed_at},
            "player_text": {
                "queued": _("%(n)s learning records are waiting; they will be sent when you are online."),
                "completed": _("Lesson completed. Well done!"),
            },
            "following": following,
            "player": {
                "lesson": view.lesson.pk,
                "kind": view.lesson.kind,
                "duration_s": view.lesson.duration_s,
                "required_s": view.required_s,
                "credited_s": round(view.credited_s, 1),
                "furthest_s": round(view.furthest_s, 1),
                "start_s": round(view.start_at_s, 1),
                "completed": view.completed,
                "interval_s": beat["interval_s"],
                "seek_slack_s": beat["seek_slack_s"],
                "user": request.user.pk,
                "endpoint": reverse("training:beat"),
                "csrf": get_token(request),
            },
            "breadcrumbs": training_crumbs(
                {
                    "label": local_title(view.course),
                    "url": reverse("training:home") + f"#course-{view.course.pk}",
                },
                {"label": local_title(view.lesson)},
            ),
        },
    )
