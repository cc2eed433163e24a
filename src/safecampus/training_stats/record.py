"""Statistics deltas written with each credited heartbeat, classroom credit or quiz pass.

`Recorder` is owned by a `training.progress.ProgressBook` and runs under the learner's clock
lock, in the same transaction as the progress rows it describes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from .models import COUNTER_FIELDS, Participation
from .nodes import Node, node_of

DeltaKey = tuple[Node, int, int, int, str, dt.date]  # node, campaign, stage, course, audience, day


class Recorder:
    def __init__(self, learner: Any) -> None:
        self.learner = learner
        self.user = learner.user
        self.deltas: dict[DeltaKey, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTER_FIELDS, 0))

    def _add(
        self, node: Node, course: Any, scope: tuple[int, int], audience: str, day: dt.date, **n: int
    ) -> None:
        row = self.deltas[(node, course.campaign_id, scope[0], scope[1], audience, day)]
        for name, value in n.items():
            row[name] += value

    def learning(self, node: Node, course: Any, audience: str, day: dt.date, ms: int) -> None:
        if ms:
            self._add(node, course, (course.stage_id or 0, course.pk), audience, day, learning_ms=ms)

    def engaged(self, course: Any, audience: str, day: dt.date) -> None:
        """The learner engaged with `course` on `day`: first participation in the course, its
        stage and its campaign are created, or moved to an earlier day."""
        stage_id = course.stage_id or 0
        scopes = [(stage_id, course.pk), (0, 0)] + ([(stage_id, 0)] if stage_id else [])
        existing = {
            (p.stage_id, p.course_id): p
            for p in Participation.objects.filter(
                learner=self.user, campaign_id=course.campaign_id, course_id__in=[0, course.pk]
            )
        }
        for scope in scopes:
            counts = {"participants": 1, "takings": 1} if scope[1] else {"participants": 1}
            p = existing.get(scope)
            if p is None:
                node = node_of(self.learner, audience)
                p = Participation(
                    learner=self.user,
                    campaign_id=course.campaign_id,
                    stage_id=scope[0],
                    course_id=scope[1],
                    audience=audience,
                    unit_id=node.unit_id,
                    unit_path=node.unit_path,
                    grade_id=node.grade_id,
                    class_id=node.class_id,
                    first_day=day,
                )
                p.save()
                self._add(node, course, scope, audience, day, **counts)
            elif day < p.first_day:
                node = _node(p)
                self._add(node, course, scope, p.audience, p.first_day, **{k: -v for k, v in counts.items()})
                self._add(node, course, scope, p.audience, day, **counts)
                Participation.objects.filter(pk=p.pk).update(first_day=day)

    def finished(
        self, course: Any, *, completed: dt.date | None = None, passed: dt.date | None = None
    ) -> None:
        """The course was completed and/or its quiz passed (each happens once per learner)."""
        p = Participation.objects.get(learner=self.user, campaign_id=course.campaign_id, course_id=course.pk)
        scope = (p.stage_id, p.course_id)
        if completed and p.completed_day is None:
            p.completed_day = completed
            self._add(_node(p), course, scope, p.audience, completed, completions=1)
        if passed and p.passed_day is None:
            p.passed_day = passed
            self._add(_node(p), course, scope, p.audience, passed, passes=1)
        p.save(update_fields=["completed_day", "passed_day"])

    def flush(self) -> None:
        """Write the collected changes as deltas of the training roll-up (same transaction)."""
        from .rollup import TRAINING

        changes = [(node, tuple(key), counts) for (node, *key), counts in self.deltas.items()]
        self.deltas.clear()
        TRAINING.record(changes)


def _node(p: Any) -> Node:
    return Node(p.unit_id, p.unit_path, p.grade_id, p.class_id)
