"""Password pages of roster accounts: a head teacher resets a student's password or gives a
parent a reset code; a parent sets a new password with the code."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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
from . import parent_reset as reset_codes
from .models import Student
from .queries import parents_for
from .slips import qr_data_uri


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
    old_password = None  # proven by the school's reset code instead
    phone = forms.CharField(
        label=gettext_lazy("Your mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "autofocus": True}),
    )
    code = forms.CharField(
        label=gettext_lazy("Reset code from the school"),
        max_length=20,
        help_text=gettext_lazy("8 letters and digits, as on the slip (for example K7QM-4XPT)."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    field_order = ["phone", "code", "new_password", "new_password2"]


@never_cache
def parent_reset(request: HttpRequest) -> HttpResponse:
    """Public page (no login): a parent sets a new password with a reset code from the school."""
    form = ParentResetForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reset_codes.reset_parent_password(
                phone=data["phone"],
                code=data["code"],
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


@login_required
@never_cache
@require_POST
def parent_reset_code(request: HttpRequest, user_id: int) -> HttpResponse:
    """Issue a parent a reset code and show it once, on a printable slip."""
    parent = get_object_or_404(parents_for(request.user), pk=user_id)
    try:
        student_id = int(request.POST.get("student", ""))
    except ValueError:
        student_id = None
    try:
        issued = reset_codes.issue_parent_reset_code(parent, actor=request.user, student_id=student_id)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(_back(request))
    return render(
        request,
        "roster/parent_reset_code.html",
        {
            "issued": issued,
            "reset_url": settings.SITE_URL + reverse("accounts:parent_reset"),
            "qr": qr_data_uri(settings.SITE_URL + reverse("accounts:parent_reset")),
            "back_url": _back(request),
            "breadcrumbs": [
                {
                    "label": issued.student.name,
                    "url": reverse("roster:student_detail", args=[issued.student.pk]),
                },
                {"label": _("Reset code")},
            ],
        },
    )
