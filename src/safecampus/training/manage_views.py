"""Content management pages: campaigns, their themes and stages, and status changes.

Every page needs `training.manage` at the active unit (403 otherwise); objects come through
`manage_queries` (404 alike for missing and not yours); writes go through `content`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safecampus.core.audit import timeline_for
from safecampus.core.errors import DomainError
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at
from safecampus.core.ui import run_service

from . import content
from . import manage_queries as q
from .manage_forms import CampaignForm, StageForm, ThemeForm
from .models import CONTENT_TRANSITIONS, Campaign, ContentStatus

ACTION_LABELS = {
    "publish": (gettext_lazy("Publish"), "send", "btn-success"),
    "unpublish": (gettext_lazy("Back to draft"), "arrow-counterclockwise", "btn-outline-secondary"),
    "archive": (gettext_lazy("Archive"), "archive", "btn-outline-secondary"),
}
ACTION_DONE = {
    "publish": gettext_lazy("Published."),
    "unpublish": gettext_lazy("Back to draft: learners no longer see it."),
    "archive": gettext_lazy("Archived."),
}


def status_actions(obj: Any) -> list[dict[str, Any]]:
    """The transitions the object's status allows, as buttons."""
    out = []
    for action, (sources, _target) in CONTENT_TRANSITIONS.items():
        if obj.status in sources:
            label, icon, css = ACTION_LABELS[action]
            out.append({"action": action, "label": label, "icon": icon, "css": css})
    return out


def timeline(user: Any, obj: Any, related: Any = ()) -> Any:
    """The object's recent audit events, for those who may read the audit trail there."""
    if not has_perm_at(user, Perm.VIEW_AUDIT, obj.unit):
        return None
    return list(timeline_for(obj, user, related=related)[:30])


def manage_crumbs(*extra: dict) -> list[dict]:
    return [{"label": _("Training content"), "url": reverse("training:manage")}, *extra]


def campaign_crumbs(campaign: Campaign, *extra: dict) -> list[dict]:
    url = reverse("training:campaign", args=[campaign.pk])
    return manage_crumbs({"label": campaign.display_title, "url": url}, *extra)


def form_page(request: HttpRequest, form: Any, *, title: str, cancel: str, crumbs: list[dict], **extra: Any):
    context = {"form": form, "title": title, "cancel_url": cancel, "breadcrumbs": [*crumbs, {"label": title}]}
    context.update(extra)
    return render(request, "training/manage/form.html", context)


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    unit = q.managing_unit(user)
    status = request.GET.get("status", "")
    campaigns = q.campaigns_for(user)
    if status in ContentStatus.values:
        campaigns = campaigns.filter(status=status)
    page = Paginator(campaigns.order_by("-school_year", "-starts_on", "id"), 30).get_page(
        request.GET.get("page")
    )
    counts = q.course_counts(user, list(page.object_list))
    for campaign in page.object_list:
        campaign.course_count = counts.get(campaign.pk, 0)
        campaign.mine = q.can_manage(user, campaign)
    return render(
        request,
        "training/manage/campaign_list.html",
        {
            "page": page,
            "unit": unit,
            "status": status,
            "statuses": ContentStatus.choices,
            "query": f"status={status}" if status in ContentStatus.values else "",
            "breadcrumbs": [{"label": _("Training content")}],
        },
    )


def _campaign_values(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in CampaignForm.base_fields}


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    unit = q.managing_unit(user)
    form = CampaignForm(request.POST or None, initial=CampaignForm.initial_for(None))
    if request.method == "POST" and form.is_valid():
        campaign = run_service(
            form, lambda: content.create_campaign(unit, actor=user, **_campaign_values(form.cleaned_data))
        )
        if campaign is not None:
            messages.success(request, _("Campaign “%(title)s” created.") % {"title": campaign.title})
            return redirect("training:campaign", campaign_id=campaign.pk)
    return form_page(
        request,
        form,
        title=_("New campaign"),
        cancel=reverse("training:manage"),
        crumbs=manage_crumbs(),
        note=_("The campaign belongs to %(unit)s and is offered to everyone under it.") % {"unit": unit.name},
    )


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user = request.user
    q.managing_unit(user)
    campaign = q.campaign_for(user, campaign_id)
    mine = q.can_manage(user, campaign)
    courses = q.courses_in(user, campaign)
    stages = list(campaign.stages.prefetch_related("themes"))
    return render(
        request,
        "training/manage/campaign_detail.html",
        {
            "campaign": campaign,
            "mine": mine,
            "actions": status_actions(campaign) if mine else [],
            "themes": list(campaign.themes.all()),
            "stages": stages,
            "my_courses": [c for c in courses if c.mine],
            "offered_courses": [c for c in courses if not c.mine],
            "can_add_course": campaign.status != ContentStatus.ARCHIVED,
            "timeline": timeline(user, campaign) if mine else None,
            "breadcrumbs": manage_crumbs({"label": campaign.display_title}),
        },
    )


@login_required
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user = request.user
    q.managing_unit(user)
    campaign = q.campaign_for_manager(user, campaign_id)
    form = CampaignForm(request.POST or None, initial=CampaignForm.initial_for(campaign))
    if request.method == "POST" and form.is_valid():
        values = _campaign_values(form.cleaned_data)
        if values["pass_mark"] is None:
            values.pop("pass_mark")
        done = run_service(form, lambda: content.update_campaign(campaign, actor=user, **values))
        if done is not None:
            messages.success(request, _("Changes saved."))
            return redirect("training:campaign", campaign_id=campaign.pk)
    return form_page(
        request,
        form,
        title=_("Edit campaign"),
        cancel=reverse("training:campaign", args=[campaign.pk]),
        crumbs=campaign_crumbs(campaign),
    )


@login_required
@require_POST
def campaign_status(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user = request.user
    q.managing_unit(user)
    campaign = q.campaign_for_manager(user, campaign_id)
    apply_status(request, campaign, content.change_campaign_status)
    return redirect("training:campaign", campaign_id=campaign.pk)


def apply_status(request: HttpRequest, obj: Any, change: Any) -> None:
    """Publish, unpublish or archive `obj` with the posted action; the outcome as a message."""
    action = request.POST.get("action", "")
    try:
        change(obj, action, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, str(ACTION_DONE[action]))


@login_required
def theme_form(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Add a theme, or edit the one named by `?key=` (themes are merged by key)."""
    user = request.user
    q.managing_unit(user)
    campaign = q.campaign_for_manager(user, campaign_id)
    key = request.GET.get("key", "")
    theme = campaign.themes.filter(key=key).first() if key else None
    initial = (
        {"key": theme.key, "name": theme.name, "name_en": theme.name_en, "order": theme.order}
        if theme
        else {}
    )
    form = ThemeForm(request.POST or None, initial=initial)
    if theme is not None:
        form.fields["key"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if theme is None and campaign.themes.filter(key=data["key"].lower()).exists():
            form.add_error("key", _("The campaign already has a theme with this key."))
        else:
            saved = run_service(
                form,
                lambda: content.save_theme(
                    campaign,
                    actor=user,
                    key=data["key"],
                    name=data["name"],
                    name_en=data["name_en"],
                    order=data["order"] or 0,
                ),
            )
            if saved is not None:
                messages.success(request, _("Theme “%(name)s” saved.") % {"name": saved.name})
                return redirect(reverse("training:campaign", args=[campaign.pk]) + "#themes")
    return form_page(
        request,
        form,
        title=_("Edit theme") if theme else _("New theme"),
        cancel=reverse("training:campaign", args=[campaign.pk]),
        crumbs=campaign_crumbs(campaign),
    )


@login_required
def stage_form(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Add a stage, or edit the one named by `?number=` (stages are merged by number)."""
    user = request.user
    q.managing_unit(user)
    campaign = q.campaign_for_manager(user, campaign_id)
    number = request.GET.get("number", "")
    stage = campaign.stages.filter(number=int(number)).first() if number.isdigit() else None
    initial: dict[str, Any] = {"number": (campaign.stages.count() + 1)}
    if stage is not None:
        initial = {
            "number": stage.number,
            "title": stage.title,
            "title_en": stage.title_en,
            "starts_on": stage.starts_on,
            "ends_on": stage.ends_on,
            "themes": [t.key for t in stage.themes.all()],
        }
    form = StageForm(request.POST or None, initial=initial, campaign=campaign)
    if stage is not None:
        form.fields["number"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if stage is None and campaign.stages.filter(number=data["number"]).exists():
            form.add_error("number", _("The campaign already has a stage with this number."))
        else:
            saved = run_service(
                form,
                lambda: content.save_stage(
                    campaign,
                    actor=user,
                    number=data["number"],
                    title=data["title"],
                    title_en=data["title_en"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    theme_keys=data["themes"],
                ),
            )
            if saved is not None:
                messages.success(request, _("Stage %(n)s saved.") % {"n": saved.number})
                return redirect(reverse("training:campaign", args=[campaign.pk]) + "#stages")
    return form_page(
        request,
        form,
        title=_("Edit stage") if stage else _("New stage"),
        cancel=reverse("training:campaign", args=[campaign.pk]),
        crumbs=campaign_crumbs(campaign),
    )
