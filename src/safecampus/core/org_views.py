"""Org-tree browser and unit management pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .audit import timeline_for
from .errors import DomainError
from .forms import UnitCreateForm, UnitEditForm, UnitMoveForm
from .models import ALLOWED_CHILDREN, Unit, UnitKind
from .people import members_page
from .roles import Perm
from .scoping import get_visible_or_404, has_perm_at, require, scope_q, user_scope_paths
from .ui import run_service, unit_breadcrumbs


def _with_child_counts(units: list[Unit]) -> list[Unit]:
    """Annotate each unit with how many direct children it has (one query)."""
    if not units:
        return units
    under = scope_q([u.path for u in units], "path")
    depths = {u.depth + 1 for u in units}
    counts: dict[str, int] = {}
    step = Unit.steplen
    for path in Unit.objects.filter(under, depth__in=depths).values_list("path", flat=True):
        counts[path[:-step]] = counts.get(path[:-step], 0) + 1
    for u in units:
        u.child_count = counts.get(u.path, 0)
    return units


def _form_page(request: HttpRequest, form, crumb_unit: Unit, step: str, title: str, **extra) -> HttpResponse:
    """The unit form page; breadcrumbs end at ``crumb_unit`` then ``step``; ``extra`` goes to the
    template (``unit`` for an existing unit, ``parent`` for a new one)."""
    crumbs = unit_breadcrumbs(request.user, crumb_unit, {"label": step})
    context = {"form": form, "breadcrumbs": crumbs, "title": title, **extra}
    return render(request, "core/unit_form.html", context)


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    user = request.user
    q = (request.GET.get("q") or "").strip()[:100]
    context: dict = {"q": q, "breadcrumbs": [{"label": _("Organisation")}]}
    if q:
        results = list(
            Unit.objects.visible_to(user).filter(Q(name__icontains=q) | Q(code__icontains=q))[:200]
        )
        context["results"] = results
    else:
        roots = (
            list(Unit.objects.filter(path__in=user_scope_paths(user)))
            if not user.is_superuser
            else list(Unit.get_root_nodes())
        )
        context["roots"] = _with_child_counts(roots)
        context["expanded"] = {r.pk: _with_child_counts(list(_children_qs(user, r))) for r in roots}
    return render(request, "core/unit_tree.html", context)


def _children_qs(user, unit: Unit):
    return (
        Unit.objects.visible_to(user)
        .filter(path__startswith=unit.path, depth=unit.depth + 1)
        .order_by("kind", "code")
    )


@login_required
def unit_children(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_visible_or_404(Unit, request.user, pk=unit_id)
    children = _with_child_counts(list(_children_qs(request.user, unit)))
    return render(request, "core/_unit_children.html", {"children": children})


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = request.user
    unit = get_visible_or_404(Unit, user, pk=unit_id)
    can_view_users = has_perm_at(user, Perm.VIEW_USERS, unit)
    context = {
        "unit": unit,
        "breadcrumbs": unit_breadcrumbs(user, unit),
        "children": _with_child_counts(list(_children_qs(user, unit))),
        "members": members_page(request, unit) if can_view_users else None,
        "can_manage": has_perm_at(user, Perm.MANAGE_UNITS, unit),
        "can_edit": has_perm_at(user, Perm.MANAGE_UNITS, unit) or has_perm_at(user, Perm.EDIT_OWN_UNIT, unit),
        "can_move": unit.depth > 1 and has_perm_at(user, Perm.MANAGE_UNITS, unit.get_parent()),
        "can_add_child": bool(ALLOWED_CHILDREN.get(unit.kind)) and has_perm_at(user, Perm.MANAGE_UNITS, unit),
        "can_add_user": has_perm_at(user, Perm.MANAGE_USERS, unit),
        "timeline": timeline_for(unit, user)[:30] if has_perm_at(user, Perm.VIEW_AUDIT, unit) else None,
    }
    return render(request, "core/unit_detail.html", context)


@login_required
def unit_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = request.user
    parent = get_visible_or_404(Unit, user, pk=unit_id)
    require(user, Perm.MANAGE_UNITS, parent)
    allowed = [k for k in UnitKind.values if k in ALLOWED_CHILDREN.get(parent.kind, set())]  # tree order
    if not allowed:
        raise PermissionDenied
    form = UnitCreateForm(request.POST or None, allowed_kinds=allowed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = run_service(
            form,
            lambda: services.create_unit(
                parent,
                actor=user,
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                school_type=data["school_type"],
                address=data["address"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
            ),
        )
        if unit is not None:
            messages.success(request, _("Unit “%(name)s” created.") % {"name": unit.name})
            return redirect("core:unit_detail", unit_id=unit.pk)
    return _form_page(
        request,
        form,
        parent,
        _("New unit"),
        _("New unit under %(name)s") % {"name": parent.name},
        parent=parent,
    )


@login_required
def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = request.user
    unit = get_visible_or_404(Unit, user, pk=unit_id)
    full = has_perm_at(user, Perm.MANAGE_UNITS, unit)
    if not full:
        require(user, Perm.EDIT_OWN_UNIT, unit)
    initial = {f: getattr(unit, f) for f in services.EDITABLE_FIELDS}
    form = UnitEditForm(request.POST or None, initial=initial)
    if not full:
        for name in ("name", "school_type"):
            form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        fields = services.EDITABLE_FIELDS if full else services.OWN_UNIT_FIELDS
        changes = {f: form.cleaned_data[f] for f in fields}
        if unit.kind != "school":
            changes.pop("school_type", None)
        done = run_service(form, lambda: services.update_unit(unit, actor=user, **changes))
        if done is not None:
            messages.success(request, _("Changes saved."))
            return redirect("core:unit_detail", unit_id=unit.pk)
    return _form_page(request, form, unit, _("Edit"), _("Edit %(name)s") % {"name": unit.name}, unit=unit)


@login_required
def unit_move(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = request.user
    unit = get_visible_or_404(Unit, user, pk=unit_id)
    parent = unit.get_parent()
    if parent is None:
        raise PermissionDenied
    require(user, Perm.MANAGE_UNITS, parent)
    form = UnitMoveForm(request.POST or None, initial={"parent": parent.code})
    if request.method == "POST" and form.is_valid():
        target = (
            Unit.objects.visible_to(user).filter(code=form.cleaned_data["parent"].strip().lower()).first()
        )
        if target is None:
            form.add_error("parent", _("No unit with this code in your area."))
        else:
            moved = run_service(form, lambda: services.move_unit(unit, target, actor=user))
            if moved is not None:
                messages.success(
                    request,
                    _("“%(name)s” moved under %(parent)s.") % {"name": unit.name, "parent": target.name},
                )
                return redirect("core:unit_detail", unit_id=unit.pk)
    return _form_page(request, form, unit, _("Move"), _("Move %(name)s") % {"name": unit.name}, unit=unit)


@login_required
@require_POST
def unit_set_active(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = request.user
    unit = get_visible_or_404(Unit, user, pk=unit_id)
    active = request.POST.get("active") == "1"
    try:
        services.set_unit_active(unit, active, actor=user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Unit reactivated.") if active else _("Unit deactivated."))
    return redirect("core:unit_detail", unit_id=unit.pk)
