"""Recording a 1530 talk: permission, validation (translated errors, nothing written on bad
input), the write, the roll-up change and the audit event in one transaction.

`record(user, class_id=…, date=…, kind=…, topic=…, minutes=…, note=…, client_id=…, photo=…)`
→ (talk, created). A retry with the same `client_id` by the same user answers the first record
(created False). Errors: the class not readable → 404 (`Http404`); `Invalid` on `date` (not a
date, in the future, no talk due that day), `kind` (not the kind due), `minutes` (under the
kind's minimum), `class_id` (the user is not its head teacher nor covering it), `topic`, `note`,
`client_id`; `Conflict` when the class's talk of that day is recorded already.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.cleaning import client_uuid
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.files.checks import reencode_image
from safecampus.core.files.store import files_kept_on_success, save_media
from safecampus.core.months import month_key
from safecampus.core.policy import policy_for
from safecampus.risks.services import clean_text
from safecampus.roster.importing import current_school_year
from safecampus.schoolcal.calendar import calendar_for

from . import counting, cover, due
from .models import Kind, Talk
from .queries import class_for
from .settle import insert_due

MAX_MINUTES = 240
MIN_YEAR, MAX_YEAR = 2000, 2100
PHOTO_SIDE = 1600
PHOTO_MB = 15


_client_id = client_uuid


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise Invalid(_("Enter the date as YYYY-MM-DD."), field="date") from None
    return sane_date(value)


def sane_date(day: dt.date, field: str = "date") -> dt.date:
    """A date the calendar can reason about (years 2000–2100); anything else is a clear error."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise Invalid(
            _("Enter a date between %(a)s and %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}, field=field
        )
    return day


def _minutes(value: Any) -> int:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        raise Invalid(_("Enter the minutes the talk took."), field="minutes") from None
    if not 0 < minutes <= MAX_MINUTES:
        raise Invalid(_("Enter between 1 and %(n)s minutes.") % {"n": MAX_MINUTES}, field="minutes")
    return minutes


def _existing(user: Any, client_id: uuid.UUID | None) -> Talk | None:
    if client_id is None:
        return None
    return Talk.objects.filter(recorded_by=user, client_id=client_id).first()


def _snapshot(talk: Talk) -> dict[str, Any]:
    return {
        "class": str(talk.school_class),
        "date": talk.date.isoformat(),
        "kind": talk.kind,
        "topic": talk.topic,
        "minutes": talk.minutes,
        "note": talk.note,
        "photo": bool(talk.photo),
        "on_day": talk.on_day,
    }


def record(
    user: Any,
    *,
    class_id: Any,
    date: Any = None,
    kind: Any = None,
    topic: Any = None,
    minutes: Any = None,
    note: Any = None,
    client_id: Any = None,
    photo: Any = None,
) -> tuple[Talk, bool]:
    """Record the 1530 talk of a class on a day (see the module docstring)."""
    key = _client_id(client_id)
    first = _existing(user, key)
    if first is not None:
        if class_id not in (None, "") and str(first.school_class_id) != str(class_id).strip():
            raise Invalid(_("This client id was used for another class's talk."), field="client_id")
        return first, False
    if class_id in (None, ""):
        raise Invalid(_("Choose the class."), field="class_id")
    klass = class_for(user, class_id)  # another school's class: 404
    now = timezone.now()
    today = timezone.localdate(now)
    day = _date(date) if date not in (None, "") else today
    if day > today:
        raise Invalid(_("A talk cannot be recorded for a day that has not come yet."), field="date")
    if not cover.may_record(user, klass, day):
        raise Invalid(_("Only the class's head teacher or the teacher covering it records its talk."),
                      field="class_id")  # fmt: skip
    policy = policy_for(klass.unit, day)
    late_days = int((policy.get("talks") or {}).get("backfill_days", 7))
    if (today - day).days > late_days:
        raise Invalid(_("A talk can be recorded at most %(n)s days afterwards.") % {"n": late_days},
                      field="date")  # fmt: skip
    if current_school_year(day) != klass.grade.school_year:
        raise Invalid(_("This day is not in the class's school year."), field="date")
    expected = due.due_on(calendar_for(klass.unit, on=day), day, policy)
    if expected is None:
        raise Invalid(_("No 1530 talk is due on this day: it is not a school day."), field="date")
    kind_value = str(kind or expected.kind)
    if kind_value not in Kind.values:
        raise Invalid(_("Choose the kind of talk."), field="kind")
    if kind_value != expected.kind:
        raise Invalid(_("The talk due on this day is: %(kind)s.") % {"kind": Kind(expected.kind).label},
                      field="kind")  # fmt: skip
    mins = _minutes(minutes if minutes not in (None, "") else expected.minutes)
    if mins < expected.minutes:
        raise Invalid(_("This talk takes at least %(n)s minutes.") % {"n": expected.minutes}, field="minutes")
    topic_text = clean_text(topic, 120, "topic")
    if not topic_text:
        raise Invalid(_("Enter the topic of the talk."), field="topic")
    note_text = clean_text(note, 500, "note", multiline=True)
    media = None
    if photo:
        try:
            media = reencode_image(photo, max_side=PHOTO_SIDE, limit_mb=PHOTO_MB)
        except Invalid as exc:
            raise Invalid(exc.message, field="photo") from None
    if Talk.objects.filter(school_class=klass, date=day).exists():
        raise Conflict(_("The talk of this class on this day is recorded already."))
    try:
        with files_kept_on_success(), transaction.atomic():
            talk = Talk(
                school_class=klass, grade_id=klass.grade_id, date=day, month=month_key(day), kind=kind_value,
                topic=topic_text, minutes=mins, note=note_text, recorded_by=user, recorded_at=now,
                on_day=(day == today), client_id=key,
            )  # fmt: skip
            talk.set_unit(klass.unit)
            if media is not None:
                save_media(talk.photo, media)
            talk.save()
            inserted = insert_due(day, [(klass.unit_id, klass.unit_path, klass.grade_id, klass.pk,
                                         expected.kind, expected.minutes)])  # fmt: skip
            counting.due_inserted(inserted)
            counting.recorded(talk)
            audit.record(user, "talk.recorded", talk, unit=klass.unit, after=_snapshot(talk))
    except IntegrityError:
        again = _existing(user, key)
        if again is not None:
            return again, False
        if Talk.objects.filter(school_class=klass, date=day).exists():
            raise Conflict(_("The talk of this class on this day is recorded already.")) from None
        raise
    return talk, True
