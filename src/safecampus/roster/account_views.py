"""Password pages of roster accounts: a head teacher resets a student's, a parent resets their own."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from safecampus.accounts.forms import PasswordChangeForm
from safecampus.accounts.throttle import LockedOut
from safecampus.core.errors import DomainError
from safecampus.core.middleware import client_address
from safecampus.core.scoping import get_visible_or_404

from . import accounts
from .models import Student


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@login_required
@never_cache
@require_POST
def student_reset_password(request: HttpRequest, student_id: int) -> HttpResponse:
    student = get_visible_or_404(
        Student.objects.select_related("user", "school_class"), request.user, pk=student_id
    )
    try:
        password = accounts.reset_student_password(student, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(_back(request))
    return render(
        request,
        "accounts/initial_password.html",
        {
            "person": student.user,
            "password": password,
            "reset": True,
            "back_url": _back(request),
            "breadcrumbs": [{"label": student.name}],
        },
    )


class ParentResetForm(PasswordChangeForm):
    old_password = None  # proven by the child's details instead
    phone = forms.CharField(
        label=gettext_lazy("Your mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "autofocus": True}),
    )
    student_no = forms.CharField(
        label=gettext_lazy("Your child's student number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    id_last6 = forms.CharField(
        label=gettext_lazy("Last six characters of your child's ID-card number"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["phone", "student_no", "id_last6", "new_password", "new_password2"]


@never_cache
def parent_reset(request: HttpRequest) -> HttpResponse:
    """Public page (no login): a parent sets a new password by proving who they are."""
    form = ParentResetForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            accounts.reset_parent_password(
                phone=data["phone"],
                student_no=data["student_no"],
                id_last6=data["id_last6"],
                new_password=data["new_password"],
                address=client_address(request),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            status = 429 if isinstance(exc, LockedOut) else 200
        else:
            messages.success(
                request, _("Your password has been changed. Please log in with the new password.")
            )
            return redirect("accounts:login")
    return render(
        request,
        "roster/parent_reset.html",
        {"form": form, "breadcrumbs": [{"label": _("Parent password reset")}]},
        status=status,
    )
