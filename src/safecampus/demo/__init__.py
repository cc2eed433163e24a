"""The demo region (`safecampus demo`): stable codes and accounts, idempotent.

Later modules add their demo data by appending a step to `STEPS`: `module_step(part, target,
doc)` imports `target` ("package.module:function") when the step runs and skips it when
`SAFECAMPUS_DEMO_<PART>` is "0" (the test suite starts most modules empty and each module's
demo test turns its own part on).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable

from .region import ACCOUNTS, DEMO_PASSWORD, load_region

STEPS: list[Callable[[], None]] = [load_region]


def enabled(part: str | None) -> bool:
    return part is None or os.environ.get(f"SAFECAMPUS_DEMO_{part}", "1") != "0"


def module_step(
    part: str | None, target: str, doc: str, **kwargs: Callable[[], object]
) -> Callable[[], None]:
    """A demo step loading `target` when its part is on; `kwargs` are computed when it runs."""

    def step() -> None:
        if not enabled(part):
            return
        module, name = target.split(":")
        fn = getattr(importlib.import_module(module), name)
        fn(**{k: make() for k, make in kwargs.items()})

    step.__doc__ = doc
    step.__name__ = step.__qualname__ = f"_{name_of(target)}"
    STEPS.append(step)
    return step


def name_of(target: str) -> str:
    return target.split(":")[0].split(".")[1]


def _statistics() -> None:
    """Targets counted from the demo roster (loaded in bulk) and the cells recounted from the facts."""
    from safecampus.training_stats import recount, targets

    targets.refresh_all()
    if not recount.reconcile(own=False).clean:
        recount.rebuild()


# Right after the region: later steps schedule on the calendar.
_calendar = module_step(
    None,
    "safecampus.schoolcal.demo:load_demo_calendar",
    "The province keeps the policy's school calendar; demo-c1-k1-s1 changes its arrival time.",
)
_roster = module_step(
    "ROSTER", "safecampus.roster.demo:load_roster", "Classes and pupils of the demo schools."
)
_training = module_step(
    "TRAINING",
    "safecampus.training.demo:load_training_demo",
    "The training campaign, courses and video; the learners' progress when the roster was loaded.",
    progress=lambda: enabled("ROSTER"),
)
STEPS.append(_statistics)
_risks = module_step(
    "RISKS",
    "safecampus.risks.demo:load_risks_demo",
    "Each school's risk points (graded, most confirmed), control plans and a campus plan.",
)
_hazards = module_step(
    "HAZARDS",
    "safecampus.hazards.demo:load_demo_hazards",
    "A dozen hazards of demo-c1-k1-s1 in every status of the loop, two of them overdue.",
)
_supervision = module_step(
    None,  # gated by SAFECAMPUS_DEMO_SUPERVISION inside
    "safecampus.supervision.demo:load_demo_supervision",
    "The county lists demo-c1-k1's open major hazard for supervision and sends a letter.",
)
_patrols = module_step(
    "PATROLS",
    "safecampus.patrols.demo:load_demo_patrols",
    "demo-c1-k1-s1's patrol route of six checkpoints, a week of rounds, one open now.",
)
_checks = module_step(
    None,
    "safecampus.checks.demo:load_checks_demo",
    "The checklist library in the province; demo-c1-k1-s1 adapts the canteen daily check.",
)
_fire = module_step(
    "FIRE",
    "safecampus.fire.demo:load_demo_fire",
    "About 30 fire devices per demo school, six weeks of monthly checks, one failed check that became "
    "a hazard at demo-c1-k1-s1.",
)
_check_tasks = module_step(
    "TASKS",
    "safecampus.checks.task_demo:load_tasks_demo",
    "Every school's check routines; six weeks of done, late, failed and missed checks at demo-c1-k1-s1; "
    "demo_guard's gate check and demo_safety's monthly check open now.",
)
_talks = module_step(
    "TALKS",
    "safecampus.talks.demo:load_talks_demo",
    "Six weeks of 1530 talks for the classes of demo-c1-k1 (a few missed, some late), settled; today's "
    "talk of demo_teacher's class left to record.",
)
_termplan = module_step(
    "TERMPLAN",
    "safecampus.termplan.demo:load_termplan_demo",
    "demo-c1-k1-s1's published term plan with this month's theme, the past months done and summarised, "
    "this month's items partly done; a sibling school's plan; the kindergarten has none.",
)
_responsibility = module_step(
    "RESPONSIBILITY",
    "safecampus.responsibility.demo:load_responsibility_demo",
    "The county's responsibility letters per post, every post of its schools, most signed (the "
    "principals' countersigned), demo_teacher's still due.",
)
_duty = module_step(
    "DUTY",
    "safecampus.duty.demo:load_demo_duty",
    "demo-c1-k1-s1's duty rotas for this week and next: demo_principal on the leadership shift and "
    "demo_teacher on duty this week, demo_guard at the gate; handovers with notes, one swap waiting.",
)
_visitors = module_step(
    "VISITORS",
    "safecampus.visitors.demo:load_visitors_demo",
    "Today's visitors at demo-c1-k1-s1 (one still inside), a booking waiting for its host, the watch list.",
)
_exits = module_step(
    "EXITS",
    "safecampus.exits.demo:load_exits_demo",
    "An approved exit pass for demo_student's classmate, a parent's request waiting for the head teacher.",
)
_pickups = module_step(
    "PICKUPS",
    "safecampus.pickups.demo:load_pickups_demo",
    "Demo_student's pickup people (parents; grandmother until Friday) and this week's pickups.",
)
_guards = module_step(
    "GUARDS",
    "safecampus.guards.demo:load_guards_demo",
    "A guard company and three guards at demo-c1-k1-s1 (one certificate expiring this month); the other "
    "schools' guards.",
)
_defence = module_step(
    "DEFENCE",
    "safecampus.defence.demo:load_defence_demo",
    "Defence registers (one camera at demo-c1-k1-s1 not networked), closed management, the three-100% facts.",
)
_notices = module_step(
    "NOTICES",
    "safecampus.notices.demo:load_notices_demo",
    "The county's drowning-prevention parent letter with receipts, a school notice to staff, the city's "
    "typhoon warning, the warning calendar.",
)
_webhooks = module_step(
    "WEBHOOKS",
    "safecampus.webhooks.demo:load_webhooks_demo",
    "A webhook endpoint of the county pointing at the local receiver the README shows how to start.",
)


def load_demo() -> None:
    for step in STEPS:
        step()


__all__ = ["ACCOUNTS", "DEMO_PASSWORD", "STEPS", "enabled", "load_demo", "module_step"]
