"""People management pages: list, create, detail, edit, password reset, roles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core import crypto
from safecampus.core.access import holds_anywhere, member_units
from safecampus.core.audit import timeline_for
from safecampus.core.errors import DomainError
from safecampus.core.models import Membership, Unit
from safecampus.core.roles import ROLE_SPECS, Perm, Role
from safecampus.core.scoping import (
    best_rank_at,
    get_visible_or_404,
    has_perm_at,
)
from safecampus.core.ui import run_service
from safecampus.core.validators import normalise_mobile
from safecampus.roster import privacy

from . import services
from .forms import RoleAssignForm, UserCreateForm, UserEditForm, UserSearchForm
from .models import User


def _require_view_users(user) -> None:
    if not holds_anywhere(user, Perm.VIEW_USERS):
        raise PermissionDenied


def _grantable_roles(user) -> list[tuple[str, str]]:
    rank = max((best_rank_at(user, Perm.MANAGE_USERS, u) for u in member_units(user)), default=-1)
    if user.is_superuser:
        rank = 10_000
    return [(v, label) for v, label in Role.choices if ROLE_SPECS[v].rank <= rank]


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_view_users(user)
    form = UserSearchForm(request.GET or None)
    people = User.objects.visible_to(user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = Q(name__icontains=data["q"]) | Q(username__icontains=data["q"])
            phone = normalise_mobile(data["q"])
            if phone.isdigit() and len(phone) == 11:
                q |= Q(phone_hash=crypto.lookup_hash(phone))
            people = people.filter(q)
        scoped = Membership.objects.visible_to(user).filter(user=OuterRef("pk"), is_active=True)
        if data["unit"]:
            people = people.filter(Exists(scoped.filter(unit__code=data["unit"].strip().lower())))
        if data["role"]:
            people = people.filter(Exists(scoped.filter(role=data["role"])))
    visible_memberships = Membership.objects.visible_to(user).filter(is_active=True).select_related("unit")
    people = people.prefetch_related(
        Prefetch("memberships", queryset=visible_memberships, to_attr="shown_roles")
    )
    page = Paginator(people.order_by("name", "id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    can_create = holds_anywhere(user, Perm.MANAGE_USERS)
    return render(
        request,
        "accounts/user_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "roles": Role.choices,
            "can_create": can_create,
            "breadcrumbs": [{"label": _("People")}],
        },
    )


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {}
    unit_id = request.GET.get("unit", "")
    if unit_id:  # the form asked for a unit: one of the user's, else "not found" alike
        initial["unit"] = get_visible_or_404(Unit, user, pk=unit_id).code
    roles = _grantable_roles(user)
    if not roles:
        raise PermissionDenied
    form = UserCreateForm(request.POST or None, initial=initial, roles=roles)
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = Unit.objects.visible_to(user).filter(code=data["unit"].strip().lower()).first()
        if unit is None:
            form.add_error("unit", _("No unit with this code in your area."))
        else:
            created = run_service(
                form,
                lambda: services.create_user(
                    actor=user,
                    unit=unit,
                    role=data["role"],
                    username=data["username"],
                    name=data["name"],
                    phone=data["phone"],
                    id_card=data["id_card"],
                ),
            )
    if created is not None:
        new_user, password = created
        messages.success(request, _("Account created for %(name)s.") % {"name": new_user.name})
        return render(
            request,
            "accounts/initial_password.html",
            {
                "person": new_user,
                "password": password,
                "breadcrumbs": [{"label": _("People"), "url": "/people/"}, {"label": new_user.name}],
            },
        )
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "title": _("New person"),
            "breadcrumbs": [{"label": _("People"), "url": "/people/"}, {"label": _("New person")}],
        },
    )


def _person_for(request: HttpRequest, user_id: int) -> User:
    return get_visible_or_404(User, request.user, pk=user_id)


@login_required
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = request.user
    _require_view_users(viewer)
    person = _person_for(request, user_id)
    memberships = (
        Membership.objects.visible_to(viewer)
        .filter(user=person)
        .select_related("unit")
        .order_by("-is_active", "id")
    )
    can_manage = services.can_manage_user(viewer, person)
    can_reveal = privacy.can_reveal(viewer, person)
    can_audit = holds_anywhere(viewer, Perm.VIEW_AUDIT)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": person,
            "memberships": memberships,
            "can_manage": can_manage,
            "can_reveal": can_reveal,
            "assign_form": RoleAssignForm(roles=_grantable_roles(viewer))
            if can_manage or _grantable_roles(viewer)
            else None,
            "can_revoke": {
                m.pk
                for m in memberships
                if m.is_active
                and m.user_id != viewer.pk
                and best_rank_at(viewer, Perm.MANAGE_USERS, m.unit) >= ROLE_SPECS[m.role].rank
            },
            "timeline": timeline_for(person, viewer, related=memberships)[:30] if can_audit else None,
            "breadcrumbs": [{"label": _("People"), "url": "/people/"}, {"label": person.name}],
        },
    )


@login_required
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = request.user
    person = _person_for(request, user_id)
    if not services.can_manage_user(viewer, person):
        raise PermissionDenied
    form = UserEditForm(request.POST or None, initial={"name": person.name, "phone": person.phone})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.update_user(
                person, actor=viewer, name=data["name"], phone=data["phone"], id_card=data["id_card"] or None
            ),
        )
        if done is not None:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:user_detail", user_id=person.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": person.name},
            "breadcrumbs": [
                {"label": _("People"), "url": "/people/"},
                {"label": person.name, "url": f"/people/{person.pk}/"},
                {"label": _("Edit")},
            ],
        },
    )


@login_required
@require_POST
def user_reset_password(request: HttpRequest, user_id: int) -> HttpResponse:
    person = _person_for(request, user_id)
    try:
        password = services.reset_password(person, actor=request.user)
    except PermissionDenied:
        raise
    return render(
        request,
        "accounts/initial_password.html",
        {
            "person": person,
            "password": password,
            "reset": True,
            "breadcrumbs": [{"label": _("People"), "url": "/people/"}, {"label": person.name}],
        },
    )


@login_required
@require_POST
def user_set_active(request: HttpRequest, user_id: int) -> HttpResponse:
    person = _person_for(request, user_id)
    active = request.POST.get("active") == "1"
    services.set_user_active(person, active, actor=request.user)
    messages.success(request, _("Account enabled.") if active else _("Account disabled."))
    return redirect("accounts:user_detail", user_id=person.pk)


@login_required
@require_POST
def user_assign_role(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = request.user
    person = _person_for(request, user_id)
    form = RoleAssignForm(request.POST, roles=_grantable_roles(viewer))
    if not form.is_valid():
        messages.error(request, _("Please choose a unit and a role."))
        return redirect("accounts:user_detail", user_id=person.pk)
    unit = Unit.objects.visible_to(viewer).filter(code=form.cleaned_data["unit"].strip().lower()).first()
    if unit is None:
        messages.error(request, _("No unit with this code in your area."))
    elif not has_perm_at(viewer, Perm.MANAGE_USERS, unit):
        raise PermissionDenied
    else:
        try:
            services.assign_role(person, actor=viewer, unit=unit, role=form.cleaned_data["role"])
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Role granted."))
    return redirect("accounts:user_detail", user_id=person.pk)


@login_required
@require_POST
def membership_revoke(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_visible_or_404(Membership, request.user, pk=membership_id)
    try:
        services.revoke_role(membership, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Role revoked."))
    return redirect("accounts:user_detail", user_id=membership.user_id)
