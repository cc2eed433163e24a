"""Login by username or by mainland mobile number."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from safecampus.core import crypto
from safecampus.core.validators import is_mobile, normalise, normalise_mobile

from .models import User


def find_user(identifier: str) -> User | None:
    ident = normalise(identifier)
    if not ident:
        return None
    user = User.objects.filter(username__iexact=ident).first()
    if user is None:
        phone = normalise_mobile(ident)
        if is_mobile(phone):
            user = User.objects.filter(phone_hash=crypto.lookup_hash(phone)).first()
    return user


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(self, request: Any, username: str | None = None, password: str | None = None, **kw: Any):
        if not username or password is None:
            return None
        user = find_user(username)
        if user is None:
            User().set_password(password)  # same work for unknown users (timing)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
