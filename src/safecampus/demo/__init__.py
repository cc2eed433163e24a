"""The demo region (`safecampus demo`): stable codes and accounts, idempotent.

Later modules add their demo data by appending a step to `STEPS`.
"""

from __future__ import annotations

from collections.abc import Callable

from .region import ACCOUNTS, DEMO_PASSWORD, load_region

STEPS: list[Callable[[], None]] = [load_region]


def _calendar() -> None:
    """The province keeps the policy's school calendar; demo-c1-k1-s1 changes its arrival time."""
    from safecampus.schoolcal.demo import load_demo_calendar

    load_demo_calendar()


STEPS.append(_calendar)  # right after the region: later steps schedule on the calendar


def _roster() -> None:
    import os

    if os.environ.get("SAFECAMPUS_DEMO_ROSTER", "1") == "0":  # the test suite starts with empty schools
        return
    from safecampus.roster.demo import load_roster

    load_roster()


STEPS.append(_roster)


def _training() -> None:
    """The training campaign, courses and video; the learners' progress when the roster was loaded."""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_TRAINING", "1") == "0":
        return
    from safecampus.training.demo import load_training_demo

    load_training_demo(progress=os.environ.get("SAFECAMPUS_DEMO_ROSTER", "1") != "0")


STEPS.append(_training)


def _statistics() -> None:
    """Targets counted from the demo roster (loaded in bulk) and the cells recounted from the facts."""
    from safecampus.training_stats import recount, targets

    targets.refresh_all()
    if not recount.reconcile(own=False).clean:
        recount.rebuild()


STEPS.append(_statistics)


def _risks() -> None:
    """Each school's risk points (graded, most confirmed), control plans and a campus plan."""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_RISKS", "1") == "0":
        return
    from safecampus.risks.demo import load_risks_demo

    load_risks_demo()


STEPS.append(_risks)


def _hazards() -> None:
    """A dozen hazards of demo-c1-k1-s1 in every status of the loop, two of them overdue."""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_HAZARDS", "1") == "0":
        return
    from safecampus.hazards.demo import load_demo_hazards

    load_demo_hazards()


STEPS.append(_hazards)


def _supervision() -> None:
    """The county lists demo-c1-k1's open major hazard for supervision and sends a letter."""
    from safecampus.supervision.demo import load_demo_supervision

    load_demo_supervision()  # gated by SAFECAMPUS_DEMO_SUPERVISION


STEPS.append(_supervision)


def _patrols() -> None:
    """demo-c1-k1-s1's patrol route of six checkpoints, a week of rounds, one open now."""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_PATROLS", "1") == "0":
        return
    from safecampus.patrols.demo import load_demo_patrols

    load_demo_patrols()


STEPS.append(_patrols)


def _checks() -> None:
    """The checklist library in the province; demo-c1-k1-s1 adapts the canteen daily check."""
    from safecampus.checks.demo import load_checks_demo

    load_checks_demo()


STEPS.append(_checks)


def _fire() -> None:
    """About 30 fire devices per demo school, six weeks of monthly checks, one failed check that
    became a hazard at demo-c1-k1-s1."""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_FIRE", "1") == "0":
        return
    from safecampus.fire.demo import load_demo_fire

    load_demo_fire()


STEPS.append(_fire)


def _check_tasks() -> None:
    """Every school's check routines; six weeks of done, late, failed and missed checks at
    demo-c1-k1-s1; demo_guard's gate check and demo_safety's monthly check open now."""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_TASKS", "1") == "0":
        return
    from safecampus.checks.task_demo import load_tasks_demo

    load_tasks_demo()


STEPS.append(_check_tasks)


def _talks() -> None:
    """Six weeks of 1530 talks for the classes of demo-c1-k1 (a few missed, some late), settled;
    today's talk of demo_teacher's class left to record."""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_TALKS", "1") == "0":
        return
    from safecampus.talks.demo import load_talks_demo

    load_talks_demo()


STEPS.append(_talks)


def _termplan() -> None:
    """demo-c1-k1-s1's published term plan with this month's theme, the past months done and
    summarised, this month's items partly done; a sibling school's plan; the kindergarten has none."""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_TERMPLAN", "1") == "0":
        return
    from safecampus.termplan.demo import load_termplan_demo

    load_termplan_demo()


STEPS.append(_termplan)


def _responsibility() -> None:
    """The county's responsibility letters per post, every post of its schools, most signed (the
    principals' countersigned), demo_teacher's still due."""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_RESPONSIBILITY", "1") == "0":
        return
    from safecampus.responsibility.demo import load_responsibility_demo

    load_responsibility_demo()


STEPS.append(_responsibility)


def load_demo() -> None:
    for step in STEPS:
        step()


__all__ = ["ACCOUNTS", "DEMO_PASSWORD", "STEPS", "load_demo"]


def _duty() -> None:
    """demo-c1-k1-s1's duty rotas for this week and next: demo_principal on the leadership shift and
    demo_teacher on duty this week, demo_guard at the gate; handovers with notes, one swap waiting."""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_DUTY", "1") == "0":
        return
    from safecampus.duty.demo import load_demo_duty

    load_demo_duty()


STEPS.append(_duty)


def _visitors() -> None:
    """Today's visitors at demo-c1-k1-s1 (one still inside), a booking waiting for its host, the watch list"""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_VISITORS", "1") == "0":
        return
    from safecampus.visitors.demo import load_visitors_demo

    load_visitors_demo()


STEPS.append(_visitors)


def _exits() -> None:
    """An approved exit pass for demo_student's classmate, a parent's request waiting for the head teacher."""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_EXITS", "1") == "0":
        return
    from safecampus.exits.demo import load_exits_demo

    load_exits_demo()


STEPS.append(_exits)


def _pickups() -> None:
    """Demo_student's pickup people (parents; grandmother until Friday) and this week's pickups."""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_PICKUPS", "1") == "0":
        return
    from safecampus.pickups.demo import load_pickups_demo

    load_pickups_demo()


STEPS.append(_pickups)


def _guards() -> None:
    """A guard company and three guards at demo-c1-k1-s1 (one certificate expiring this month); the other
    schools' guards."""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_GUARDS", "1") == "0":
        return
    from safecampus.guards.demo import load_guards_demo

    load_guards_demo()


STEPS.append(_guards)


def _defence() -> None:
    """Defence registers (one camera at demo-c1-k1-s1 not networked), closed management, the three-100%
    facts."""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_DEFENCE", "1") == "0":
        return
    from safecampus.defence.demo import load_defence_demo

    load_defence_demo()


STEPS.append(_defence)


def _notices() -> None:
    """The county's drowning-prevention parent letter with receipts, a school notice to staff, the city's
    typhoon warning, the warning calendar."""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_NOTICES", "1") == "0":
        return
    from safecampus.notices.demo import load_notices_demo

    load_notices_demo()


STEPS.append(_notices)


def _webhooks() -> None:
    """A webhook endpoint of the county pointing at the local receiver the README shows how to start."""
    import os

    if os.environ.get("SAFECAMPUS_DEMO_WEBHOOKS", "1") == "0":
        return
    from safecampus.webhooks.demo import load_webhooks_demo

    load_webhooks_demo()


STEPS.append(_webhooks)
