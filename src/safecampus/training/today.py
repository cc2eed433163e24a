"""Training's "today" cards: the reader's lessons due, a parent's children's lessons due."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from safecampus.core import today
from safecampus.core.roles import Role

from .queries import State, children_progress, learner_cards

DUE = (State.DUE, State.OVERDUE)


def my_due(user: Any, active: Any) -> int:
    return sum(1 for card in learner_cards(user, user) if card.state in DUE)


def children_due(user: Any, active: Any) -> int:
    return sum(len(child.due) for child in children_progress(user))


def is_learner(user: Any, active: Any) -> bool:
    return active is None or active.role != Role.PARENT


def register() -> None:
    today.register(
        today.Card("training.due", _("Courses due"), "training:home", my_due, is_learner, "mortarboard", 20),
        today.Card("training.children_due", _("Your children's courses due"), "training:children",
                   children_due,
                   Role.PARENT, "balloon-heart", 21),
    )  # fmt: skip
