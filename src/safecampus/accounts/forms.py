"""Forms for sign-in and people management."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username or mobile number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=128,
        help_text=_("At least 8 characters, not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords do not match."))
        return data


class UserCreateForm(forms.Form):
    unit = forms.CharField(label=_("Unit (code)"), max_length=64)
    role = forms.ChoiceField(label=_("Role"), choices=[])
    name = forms.CharField(label=_("Real name"), max_length=60)
    username = forms.CharField(label=_("Username"), max_length=64)
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    id_card = forms.CharField(label=_("ID-card number"), max_length=24, required=False)

    def __init__(self, *args, roles: list[tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles or []


class UserEditForm(forms.Form):
    name = forms.CharField(label=_("Real name"), max_length=60)
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    id_card = forms.CharField(
        label=_("ID-card number"),
        max_length=24,
        required=False,
        help_text=_("Leave empty to keep the number on file."),
    )


class RoleAssignForm(forms.Form):
    unit = forms.CharField(label=_("Unit (code)"), max_length=64)
    role = forms.ChoiceField(label=_("Role"), choices=[])

    def __init__(self, *args, roles: list[tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles or []


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60)
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=64)
    role = forms.CharField(label=_("Role"), required=False, max_length=32)
