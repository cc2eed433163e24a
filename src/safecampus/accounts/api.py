"""Accounts API: `POST /api/v1/auth/token` (sign in, get a Bearer token) and `GET /api/v1/me`."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema

from safecampus.core.api import ERRORS, ErrorOut, SafeText, ValidationErrorOut
from safecampus.core.middleware import client_address
from safecampus.core.scoping import active_memberships

from .auth import issue_token, login_user
from .models import User

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


@me_router.get("/me", response={200: MeOut, **ERRORS}, summary="The signed-in user and their roles")
def me(request: HttpRequest) -> MeOut:
    user: User = request.auth  # type: ignore[attr-defined]
    memberships = [
        MembershipOut(
            id=m.pk,
            role=m.role,
            role_label=str(m.get_role_display()),
            unit=UnitRef(id=m.unit.pk, code=m.unit.code, name=m.unit.name, kind=m.unit.kind),
        )
        for m in active_memberships(user)
    ]
    return MeOut(
        id=user.pk,
        username=user.username,
        name=user.name,
        phone=user.phone_masked if user.phone_enc else "",
        must_change_password=user.must_change_password,
        memberships=memberships,
    )
