"""Fixtures of the roster tests."""

from __future__ import annotations

import pytest

from safecampus.accounts.models import User
from safecampus.accounts.services import create_user
from safecampus.core.models import Unit
from safecampus.core.roles import Role
from safecampus.core.services import create_unit

from .schoolyear_setup import import_rows


@pytest.fixture
def receiving(demo, operator) -> Unit:
    """A second primary school in demo-c1-k1, with a principal and a 三年级 class."""
    county = Unit.objects.get(code="demo-c1-k1")
    school = create_unit(
        county,
        actor=operator,
        code="demo-c1-k1-s9",
        name="东港区第二实验小学",
        kind="school",
        school_type="primary",
    )
    create_user(
        actor=operator,
        unit=school,
        role=Role.PRINCIPAL,
        username="s9_principal",
        name="钱校长",
        password="Demo@2026",
    )
    import_rows(school, operator, "三年级", 1)
    return school


@pytest.fixture
def receiving_principal(receiving):
    return User.objects.get(username="s9_principal")
