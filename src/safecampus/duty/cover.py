"""The talks app's cover hook: the teacher on duty may record a class's 1530 talk (the talks
service asks `on_duty_for_class` through `talks.cover.register`, registered in `DutyConfig.ready`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .models import Kind, Shift

COVERING = (Kind.DUTY, Kind.LEADERSHIP)


def on_duty_for_class(user: Any, school_class: Any, day: dt.date) -> bool:
    """Does `user` have a duty or leadership shift at the class's school on `day`?"""
    if user is None or not getattr(user, "pk", None) or school_class is None:
        return False
    return Shift.objects.filter(
        person_id=user.pk, unit_id=school_class.unit_id, date=day, kind__in=COVERING
    ).exists()
