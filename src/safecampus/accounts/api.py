"""Accounts API: `POST /api/v1/auth/token` (sign in, get a Bearer token), `GET /api/v1/me`,
`POST /api/v1/auth/password`, and the Bearer authentication every other route uses.

While an account still has its initial password (`must_change_password`), its token opens only
`GET /me` and `POST /auth/password`; every other route answers 403 with
`"code": "password_change_required"`."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.security import HttpBearer

from safecampus.core import access
from safecampus.core.api import ERRORS, ErrorOut, SafeText, ValidationErrorOut
from safecampus.core.errors import DomainError
from safecampus.core.middleware import client_address

from .auth import change_password, issue_token, login_user, user_for_token
from .models import User


class PasswordChangeRequired(DomainError):
    status = 403
    code = "password_change_required"


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token's user becomes `request.auth`. An account that
    must still change its initial password is refused (403) unless the route allows it."""

    def __init__(self, *, during_password_change: bool = False) -> None:
        super().__init__()
        self.during_password_change = during_password_change

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token.strip())
        if user is not None and user.must_change_password and not self.during_password_change:
            raise PasswordChangeRequired(
                _("Please set a new password first (POST /api/v1/auth/password with your initial one).")
            )
        return user


# The routes an account with an initial password may use.
DURING_PASSWORD_CHANGE = BearerAuth(during_password_change=True)

# Argon2 over a huge password is slow work for nothing: cap what we are asked to hash.
Password = Annotated[SafeText, Field(max_length=256)]
Identifier = Annotated[SafeText, Field(max_length=150)]


class TokenIn(Schema):
    username: Identifier = Field(..., description="Username or mainland mobile number.")
    password: Password


class TokenOut(Schema):
    token: str


class UnitRef(Schema):
    id: int
    code: str
    name: str
    kind: str


class MembershipOut(Schema):
    id: int
    role: str
    role_label: str
    unit: UnitRef


class MeOut(Schema):
    id: int
    username: str
    name: str
    phone: str = Field(..., description="Masked mobile number (138****0001); empty when none.")
    must_change_password: bool
    memberships: list[MembershipOut]


class PasswordIn(Schema):
    old_password: Password
    new_password: Password


class PasswordChangedOut(Schema):
    detail: str
    must_change_password: bool


auth_router = Router(tags=["auth"])
me_router = Router(tags=["auth"])


@auth_router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut},
    summary="Sign in and get a Bearer token",
)
def obtain_token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """401 on a wrong username/phone or password; 429 while the account or address is locked out."""
    user = login_user(payload.username, payload.password, address=client_address(request), request=request)
    return TokenOut(token=issue_token(user))


@auth_router.post(
    "/password",
    auth=DURING_PASSWORD_CHANGE,
    response={200: PasswordChangedOut, **ERRORS},
    summary="Change your password (the initial one too)",
)
def change_own_password(request: HttpRequest, payload: PasswordIn) -> PasswordChangedOut:
    """400 with `field` `old_password` when the current password is wrong, `new_password` when the
    new one is too weak or the same. Afterwards every route is open to the token."""
    user = change_password(request.auth, old_password=payload.old_password, new_password=payload.new_password)
    return PasswordChangedOut(
        detail=_("Your password has been changed."), must_change_password=user.must_change_password
    )


@me_router.get(
    "/me",
    auth=DURING_PASSWORD_CHANGE,
    response={200: MeOut, **ERRORS},
    summary="The signed-in user and their roles",
)
def me(request: HttpRequest) -> MeOut:
    user: User = request.auth  # type: ignore[attr-defined]
    memberships = [
        MembershipOut(
            id=m.pk,
            role=m.role,
            role_label=str(m.get_role_display()),
            unit=UnitRef(id=m.unit.pk, code=m.unit.code, name=m.unit.name, kind=m.unit.kind),
        )
        for m in access.memberships(user)
    ]
    return MeOut(
        id=user.pk,
        username=user.username,
        name=user.name,
        phone=user.phone_masked if user.phone_enc else "",
        must_change_password=user.must_change_password,
        memberships=memberships,
    )
