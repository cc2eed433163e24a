"""Random action sequences by random people never reach an undeclared status, and every step
does exactly what the declared model (tests/hazards/test_workflow.py) says."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecampus.core.errors import Conflict
from safecampus.hazards import services
from safecampus.hazards.models import Grade, Hazard, Status
from safecampus.hazards.workflow import ACTIONS

from .conftest import photo_file
from .test_workflow import ROLES, TO, data_for, expected

step = st.tuples(st.sampled_from(ROLES), st.sampled_from(ACTIONS))


class Rollback(Exception):
    pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grade=st.sampled_from([Grade.GENERAL, Grade.MAJOR]), steps=st.lists(step, min_size=1, max_size=14))
def test_random_sequences_follow_the_model(request, make_hazard, rectifier, grade, steps):
    cast = {role: request.getfixturevalue(role) for role in ROLES}
    try:
        with transaction.atomic():
            hazard = make_hazard(Status.REPORTED, grade)
            status = Status.REPORTED.value
            for role, action in steps:
                want = expected(role, action, status, grade)
                photos = [photo_file()] if action in ("submit", "close_on_spot") else []
                try:
                    services.act(hazard, actor=cast[role], action=action, data=data_for(action, rectifier),
                                 photos=photos)  # fmt: skip
                    got = "ok"
                except Conflict:
                    got = "409"
                except PermissionDenied:
                    got = "403"
                assert got == want, (status, role, action)
                if got == "ok":
                    status = TO[action]
                hazard = Hazard.objects.get(pk=hazard.pk)
                assert hazard.status == status and hazard.status in Status.values
                if status == Status.CLOSED:
                    assert hazard.closed_at and hazard.resolution
            raise Rollback
    except Rollback:
        pass
