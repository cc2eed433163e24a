"""Checklist pages (mounted at /checks/): the library, a template with its items and versions,
the new/edit forms and the buttons (copy, publish, retire). Views read through `queries` and
write through `services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core import access, audit
from safecampus.core.errors import DomainError
from safecampus.core.roles import Perm

from . import queries, services
from .forms import ItemFormSet, TemplateForm, item_initial, item_rows, show_error, template_initial
from .models import AnswerKind, Kind, TemplateStatus


def crumbs(*extra: dict) -> list[dict]:
    return [{"label": _("Checklists"), "url": reverse("checks:library")}, *extra]


@login_required
def library(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.holds_anywhere(user, Perm.VIEW_CHECKS):
        raise Http404
    filters = queries.LibraryFilter.from_query(request.GET)
    page = Paginator(queries.library(user, filters), 50).get_page(request.GET.get("page"))
    query = {k: v for k, v in (("kind", filters.kind), ("scope", filters.scope), ("q", filters.q)) if v}
    if filters.retired:
        query["retired"] = "1"
    return render(
        request,
        "checks/library.html",
        {
            "page": page,
            "filters": filters,
            "kinds": Kind.choices,
            "query": urlencode(query),
            "own_paths": set(queries.own_paths(user)),
            "can_create": bool(queries.new_template_units(user)),
            "breadcrumbs": [{"label": _("Checklists")}],
        },
    )


@login_required
def detail(request: HttpRequest, template_id: int) -> HttpResponse:
    user = request.user
    template = queries.get_template_for(user, template_id)
    version = queries.version_of(template, request.GET.get("version"))
    can_manage = services.may_manage(user, template)
    return render(
        request,
        "checks/detail.html",
        {
            "template": template,
            "version": version,
            "is_current": version.pk == template.current_version_id,
            "items": list(version.items.order_by("order")),
            "versions": queries.versions_of(template),
            "copies": queries.copies_in(user, template),
            "copy_targets": queries.copy_targets(user, template),
            "can_manage": can_manage,
            "can_publish": can_manage
            and template.unit.is_bureau
            and template.status == TemplateStatus.ACTIVE,
            "timeline": audit.timeline_for(template, user)[:30],
            "answer_kinds": AnswerKind,
            "breadcrumbs": crumbs({"label": template.title}),
        },
    )


def _editor(request: HttpRequest, *, template: Any = None) -> HttpResponse:
    user = request.user
    if template is None:
        units = queries.new_template_units(user)
        if not units:
            raise PermissionDenied
        unit_choices = [(u.pk, u.name) for u in units]
        initial, items = {"kind": Kind.SPECIAL}, []
    else:
        if not services.may_manage(user, template):
            raise PermissionDenied
        if template.status != TemplateStatus.ACTIVE:
            messages.error(request, _("This checklist is retired: restore it before changing it."))
            return redirect("checks:detail", template.pk)
        unit_choices, units = None, []
        initial, items = template_initial(template), item_initial(template.current_version)
    post = request.POST if request.method == "POST" else None
    form = TemplateForm(post, initial=initial, unit_choices=unit_choices)
    formset = ItemFormSet(post, initial=items, prefix="items")
    if post is not None and form.is_valid() and formset.is_valid():
        rows, item_forms = item_rows(formset)
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("unit", "note")}
        note = form.cleaned_data.get("note") or ""
        try:
            with transaction.atomic():
                if template is None:
                    unit = next(u for u in units if u.pk == form.cleaned_data["unit"])
                    template = services.create_template(
                        unit, actor=user, data={**data, "note": note}, items=rows
                    )
                    messages.success(request, _("Checklist saved."))
                else:
                    version = services.edit(template, actor=user, data=data, items=rows, note=note)
                    if version is not None:
                        messages.success(request, _("Saved as version %(n)s.") % {"n": version.number})
                    else:
                        messages.success(request, _("Checklist saved."))
            return redirect("checks:detail", template.pk)
        except DomainError as exc:
            show_error(exc, form, formset, item_forms)
            if template is not None and template.pk is None:
                template = None
    title = _("New checklist") if template is None else _("Edit checklist")
    return render(
        request,
        "checks/edit.html",
        {
            "form": form,
            "formset": formset,
            "template": template,
            "title": title,
            "breadcrumbs": crumbs(
                *(
                    [{"label": template.title, "url": reverse("checks:detail", args=[template.pk])}]
                    if template is not None
                    else []
                ),
                {"label": title},
            ),
        },
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    return _editor(request)


@login_required
def edit(request: HttpRequest, template_id: int) -> HttpResponse:
    return _editor(request, template=queries.get_template_for(request.user, template_id))


def _button(request: HttpRequest, template_id: int, call: Any, done: str) -> HttpResponse:
    template = queries.get_template_for(request.user, template_id)
    try:
        result = call(template)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("checks:detail", template.pk)
    messages.success(request, done)
    target = getattr(result, "pk", None) or template.pk
    return redirect("checks:detail", target)


@login_required
@require_POST
def copy(request: HttpRequest, template_id: int) -> HttpResponse:
    user = request.user

    def call(template: Any) -> Any:
        targets = queries.copy_targets(user, template)
        chosen = request.POST.get("unit")
        unit = next((u for u in targets if str(u.pk) == chosen), None) or (
            targets[0] if len(targets) == 1 else None
        )
        if unit is None:
            raise PermissionDenied
        return services.copy_template(template, unit, actor=user)

    return _button(request, template_id, call, _("Copied. The copy is your own: adapt it as you need."))


@login_required
@require_POST
def publish(request: HttpRequest, template_id: int) -> HttpResponse:
    return _button(
        request,
        template_id,
        lambda t: services.publish(t, actor=request.user),
        _("Published to every unit of the area."),
    )


@login_required
@require_POST
def unpublish(request: HttpRequest, template_id: int) -> HttpResponse:
    return _button(
        request,
        template_id,
        lambda t: services.unpublish(t, actor=request.user),
        _("No longer published. Copies already made stay with their units."),
    )


@login_required
@require_POST
def retire(request: HttpRequest, template_id: int) -> HttpResponse:
    return _button(
        request, template_id, lambda t: services.retire(t, actor=request.user), _("Checklist retired.")
    )


@login_required
@require_POST
def restore(request: HttpRequest, template_id: int) -> HttpResponse:
    return _button(
        request, template_id, lambda t: services.restore(t, actor=request.user), _("Checklist restored.")
    )
