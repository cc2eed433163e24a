"""Training's "today" cards: the reader's lessons due, a parent's children's lessons due, and for
a head teacher the class's lessons due that pupils have not all done, and the pupils behind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safecampus.core import today
from safecampus.core.roles import Role

from .class_queries import DONE
from .queries import children_progress, due_count

if TYPE_CHECKING:
    from .class_queries import ClassBoard


def my_due(user: Any, active: Any) -> int:
    return due_count(user)


def children_due(user: Any, active: Any) -> int:
    return sum(len(child.due) for child in children_progress(user))


def class_boards(user: Any) -> list[ClassBoard]:
    """The progress boards of the classes the user teaches (usually one); built once for all the
    cards of one call (`today.shared`)."""
    from safecampus.core.access import teaching

    from .class_queries import build_boards

    def compute() -> list[ClassBoard]:
        classes = list(teaching().classes(user).select_related("grade", "unit"))
        return list(build_boards(user, classes).values())

    return today.shared(f"training.class_boards.{user.pk}", compute)


def class_lessons_due(user: Any, active: Any) -> int:
    """Lessons assigned to the reader's classes, due by today, that some pupil has not done."""
    return sum(
        1
        for board in class_boards(user)
        for a in board.due
        if any(c.assignment.pk == a.pk and c.state != DONE for r in board.rows for c in r.cells)
    )


def pupils_behind(user: Any, active: Any) -> int:
    return sum(len(board.behind_rows) for board in class_boards(user))


def class_url(user: Any, active: Any) -> str:
    boards = class_boards(user)
    if len(boards) == 1:
        return reverse("training:class_progress", args=[boards[0].klass.pk])
    return reverse("training:classes")


def is_learner(user: Any, active: Any) -> bool:
    return active is None or active.role != Role.PARENT


def register() -> None:
    today.register(
        today.Card("training.due", _("Courses due"), "training:home", my_due, is_learner, "mortarboard", 20),
        today.Card("training.children_due", _("Your children's courses due"), "training:children",
                   children_due,
                   Role.PARENT, "balloon-heart", 21),
        today.Card("training.class_due", _("Class lessons not done by all pupils"), class_url,
                   class_lessons_due, Role.HEAD_TEACHER, "easel2", 22),
        today.Card("training.pupils_behind", _("Pupils behind on lessons"), class_url, pupils_behind,
                   Role.HEAD_TEACHER, "person-exclamation", 23),
    )  # fmt: skip
