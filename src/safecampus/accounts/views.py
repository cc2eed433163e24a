"""Sign-in, sign-out, password change and the role switcher."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from safecampus.core.errors import DomainError
from safecampus.core.middleware import client_address
from safecampus.core.ui import run_service

from . import auth
from .forms import LoginForm, PasswordChangeForm
from .middleware import SESSION_KEY


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    # The QR code on a login slip fills in the username.
    form = LoginForm(request.POST or None, initial={"username": request.GET.get("username", "")[:150]})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = auth.login_user(
                form.cleaned_data["username"],
                form.cleaned_data["password"],
                address=client_address(request),
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            status = exc.status if exc.status == 429 else 200
        else:
            login(request, user)
            if user.must_change_password:
                messages.info(request, _("Please set a new password before you continue."))
                return redirect("accounts:password_change")
            return redirect(_safe_next(request))
    return render(
        request, "accounts/login.html", {"form": form, "next": _safe_next(request, "")}, status=status
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("accounts:login")


@login_required
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: auth.change_password(
                user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            ),
        )
        if done is not None:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("core:home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": user.must_change_password, "breadcrumbs": [{"label": _("Change password")}]},
    )


@login_required
@require_POST
def switch_role(request: HttpRequest) -> HttpResponse:
    try:
        chosen = int(request.POST.get("membership", ""))
    except ValueError:
        chosen = None
    options = {m.pk: m for m in getattr(request.user, "all_memberships", [])}
    if chosen in options:
        request.session[SESSION_KEY] = chosen
        m = options[chosen]
        messages.success(
            request,
            _("You are now acting as %(role)s at %(unit)s.")
            % {"role": m.get_role_display(), "unit": m.unit.name},
        )
    else:
        messages.error(request, _("That role is not available to you."))
    return redirect(_safe_next(request))
