"""Demo term plans (`safecampus demo`, step guarded by SAFECAMPUS_DEMO_TERMPLAN): demo-c1-k1-s1's
plan of the current term, published, with the months before this one done and summarised and
this month's items partly done; its sibling demo-c1-k1-s2 has a plan with a little less done;
the kindergarten demo-c1-k1-s3 has none (the county sees it). Everything through the services;
idempotent (a school that has its plan keeps it)."""

from __future__ import annotations

from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.core.months import month_key

from . import queries, services
from .models import ItemStatus, TermPlan

SCHOOLS = (("demo-c1-k1-s1", "demo_safety", 1.0), ("demo-c1-k1-s2", "demo_operator", 0.5))

NOTES = {
    "meeting": "会议已召开，全体行政及班主任参加，会议纪要已归档。",
    "training": "培训已完成，签到表和培训课件已归档。",
    "drill": "演练已开展，全校师生参与，疏散用时已记录。",
    "special_check": "检查已完成，发现的隐患已录入隐患整改台账。",
    "talk_topic": "各班已利用班会和放学前时间开展专题教育，记入1530安全教育记录簿。",
    "parent_letter": "告家长书已通过家校群发放，回执已收回。",
}
SUMMARY = "按计划完成，效果良好；个别班级回执收回较慢，已督促整改。"


def _plan_for(code: str, actor: User) -> TermPlan | None:
    school = Unit.objects.filter(code=code).first()
    if school is None:
        return None
    plan = queries.current_plan(school)
    if plan is None:
        plan = services.create_plan(school, actor=actor)
        services.set_plan_status(plan, actor=actor, action="publish")
    return plan


def _progress(plan: TermPlan, actor: User, share: float) -> None:
    """Items before this month done and summarised (a `share` of them); this month's every other
    item done up to today; the past months' themes summarised."""
    today = timezone.localdate()
    this_month = month_key(today)
    items = list(
        plan.items.filter(status=ItemStatus.PLANNED, planned_on__lte=today).order_by("planned_on", "id")
    )
    past = [i for i in items if i.month < this_month]
    keep = round(len(past) * share)
    for n, item in enumerate(past):
        if n >= keep and n % 3 == 0:
            continue  # left undone: the county page shows the gap
        done, _ = services.mark_done(item, actor=actor, note=NOTES[item.kind], done_on=item.planned_on)
        if n < keep:
            services.summarise(done, actor=actor, summary=SUMMARY)
    for n, item in enumerate(i for i in items if i.month == this_month):
        if n % 2 == 0:
            services.mark_done(item, actor=actor, note=NOTES[item.kind], done_on=item.planned_on)
    for theme in plan.themes.filter(month__lt=this_month, summary=""):
        services.update_theme(
            theme, actor=actor, data={"summary": "本月主题教育按计划开展，各项工作已总结。"}
        )


def load_termplan_demo() -> None:
    for code, username, share in SCHOOLS:
        actor = User.objects.filter(username=username).first()
        if actor is None:
            continue
        plan = _plan_for(code, actor)
        if plan is not None and not plan.items.exclude(status=ItemStatus.PLANNED).exists():
            _progress(plan, actor, share)
