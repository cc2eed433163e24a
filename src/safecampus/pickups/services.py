"""Every pickup change goes through here: permission, validation, write, audit, notice.

`add_person` / `revoke_person`: a parent manages the people who may pick up their own child.
`verify`: the gate (WORK_GATE) or the class's head teacher records who came for a pupil; an
expired, revoked or unknown person is refused, recorded all the same, and the parents are told.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.cleaning import clean_text, client_uuid, iso_date
from safecampus.core.errors import Invalid, InvalidFields, PermissionDenied
from safecampus.core.files.checks import reencode_image
from safecampus.core.files.store import files_kept_on_success, save_media
from safecampus.core.policy import policy_for
from safecampus.core.validators import normalise_mobile
from safecampus.inbox.services import notify
from safecampus.roster.models import Guardian, Student

from . import queries
from .models import Pickup, PickupPerson, Refusal

PHONE_RE = re.compile(r"^1\d{10}$")
MAX_PHOTO_MB = 10


def rules(unit: Any) -> dict[str, Any]:
    return dict(policy_for(unit).get("pickups") or {})


def must_record(student: Student) -> bool:
    """Whether the pupil's class must record every pickup (policy: kindergartens, grades 1–3)."""
    return class_must_record(student.school_class, student.unit) if student.school_class_id else False


def class_must_record(klass: Any, school: Any) -> bool:
    if klass is None:
        return False
    r = rules(school)
    kind = school.school_type
    if kind in (r.get("record_all_school_types") or []):
        return True
    return kind in (r.get("grade_school_types") or []) and klass.grade.level in (
        r.get("record_all_grades") or []
    )


def _phone(value: Any) -> str:
    phone = normalise_mobile(value)
    if phone and not PHONE_RE.match(phone):
        raise Invalid(_("Enter an 11-digit mobile number."), field="phone")
    return phone


def clean_person(student: Student, data: dict[str, Any]) -> dict[str, Any]:
    today = timezone.localdate()
    limit = int(rules(student.unit).get("max_days") or 366)
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    checks = {
        "name": lambda: clean_text(data.get("name"), 60, "name", required=_("Enter the person's name.")),
        "relation": lambda: clean_text(
            data.get("relation"), 20, "relation", required=_("Say how the person is related to the pupil.")
        ),
        "phone": lambda: _phone(data.get("phone")),
        "valid_from": lambda: iso_date(data.get("valid_from"), "valid_from") or today,
        "valid_until": lambda: iso_date(data.get("valid_until"), "valid_until"),
        "note": lambda: clean_text(data.get("note"), 200, "note"),
    }
    for name, clean in checks.items():
        try:
            out[name] = clean()
        except Invalid as exc:
            errors.setdefault(exc.field or name, str(exc.message))
    until, start = out.get("valid_until"), out.get("valid_from")
    if "valid_until" not in errors:
        if until is None:
            errors["valid_until"] = _("Say until when the person may pick up.")
        elif until < today:
            errors["valid_until"] = _("The end date cannot be in the past.")
        elif until > today + dt.timedelta(days=limit):
            errors["valid_until"] = _("At most %(n)s days ahead.") % {"n": limit}
        elif start and until < start:
            errors["valid_until"] = _("The end date cannot be before the start date.")
    if errors:
        raise InvalidFields(errors)
    return out


def _require_guardian(actor: Any, student: Student) -> None:
    if not queries.is_guardian(actor, student):
        raise PermissionDenied("pickups.manage")


def add_person(
    student: Student, *, actor: Any, data: dict[str, Any], photo: Any = None
) -> tuple[PickupPerson, bool]:
    """A parent authorises a person to pick up their own child. A retry with the same
    `client_id` answers the first person (created False)."""
    _require_guardian(actor, student)
    cid = client_uuid(data.get("client_id"))
    if cid is not None:
        first = PickupPerson.objects.filter(added_by=actor, client_id=cid).first()
        if first is not None:
            return first, False
    fields = clean_person(student, data)
    media = None
    if photo:
        try:
            media = reencode_image(photo, max_side=800, limit_mb=MAX_PHOTO_MB)
        except Invalid as exc:
            raise Invalid(exc.message, field="photo") from None
    person = PickupPerson(
        student=student,
        name=fields["name"],
        relation=fields["relation"],
        valid_from=fields["valid_from"],
        valid_until=fields["valid_until"],
        note=fields["note"],
        added_by=actor,
        client_id=cid,
    )
    person.phone = fields["phone"]
    person.set_unit(student.unit)
    try:
        with files_kept_on_success(), transaction.atomic():
            if media is not None:
                save_media(person.photo, media)
            person.save()
            audit.record(actor, "pickups.person_added", person, after=person.audit_snapshot())
    except IntegrityError:  # the same client_id at the same moment
        first = PickupPerson.objects.filter(added_by=actor, client_id=cid).first()
        if first is None:
            raise
        return first, False
    return person, True


def revoke_person(person: PickupPerson, *, actor: Any) -> PickupPerson:
    """A parent withdraws an authorisation (idempotent)."""
    _require_guardian(actor, person.student)
    with transaction.atomic():
        moved = PickupPerson.objects.filter(pk=person.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor
        )
        person.refresh_from_db()
        if moved:
            audit.record(
                actor, "pickups.person_revoked", person, before={"revoked": False}, after={"revoked": True}
            )
    return person


def _resolve(student: Student, ref: Any) -> tuple[Guardian | None, PickupPerson | None]:
    """A person reference: "g12" (a guardian), "p7" or 7 (a person a parent added); None when it
    names nobody of this pupil."""
    text = str(ref if ref is not None else "").strip().lower()
    if not text:
        return None, None
    kind, digits = (text[0], text[1:]) if text[0] in "gp" else ("p", text)
    if not digits.isdigit() or len(digits) > 18:
        raise Invalid(_("Choose who came to pick the pupil up."), field="person_id")
    if kind == "g":
        return Guardian.objects.filter(student=student, pk=int(digits)).select_related("parent").first(), None
    return None, PickupPerson.objects.filter(student=student, pk=int(digits)).first()


def verify(student: Student, *, actor: Any, data: dict[str, Any]) -> tuple[Pickup, bool]:
    """Record who came for the pupil: allowed for a guardian or a valid person, refused (and the
    parents told) otherwise. Recorded either way; a retry with the same `client_id` answers the
    first record (created False)."""
    if not queries.may_verify(actor, student):
        raise PermissionDenied("gate.work")
    cid = client_uuid(data.get("client_id"))
    if cid is not None:
        first = Pickup.objects.filter(recorded_by=actor, client_id=cid).first()
        if first is not None:
            return first, False
    ref = data.get("person_id")
    typed = clean_text(data.get("name"), 60, "name")
    note = clean_text(data.get("note"), 200, "note")
    if ref in (None, "") and not typed:
        raise Invalid(_("Choose who came, or enter the name of the person who came."), field="person_id")
    guardian, person = _resolve(student, ref)
    now = timezone.now()
    day = timezone.localdate(now)
    if guardian is not None:
        name, relation, refusal = guardian.parent.display_name, guardian.relation, ""
    elif person is not None:
        name, relation, refusal = person.name, person.relation, person.refusal_on(day)
    else:
        name, relation, refusal = typed or _("Unknown person"), "", Refusal.UNKNOWN
    pickup = Pickup(
        student=student,
        guardian=guardian,
        person=person,
        person_name=name[:60],
        relation=relation,
        at=now,
        day=day,
        recorded_by=actor,
        allowed=not refusal,
        refusal=refusal,
        note=note,
        client_id=cid,
    )
    pickup.set_unit(student.unit)
    try:
        with transaction.atomic():
            pickup.save()
            audit.record(
                actor,
                "pickups.allowed" if pickup.allowed else "pickups.refused",
                pickup,
                after={"student": student.pk, "person": name, "relation": relation, "refusal": refusal},
            )
            if not pickup.allowed:
                _tell_parents(student, pickup)
    except IntegrityError:
        first = Pickup.objects.filter(recorded_by=actor, client_id=cid).first()
        if first is None:
            raise
        return first, False
    return pickup, True


def _tell_parents(student: Student, pickup: Pickup) -> None:
    parents = Guardian.objects.filter(student=student).values_list("parent_id", flat=True)
    notify(
        list(parents),
        kind="pickups.refused",
        title=_("Pickup refused: %(who)s came for %(pupil)s")
        % {"who": pickup.person_name, "pupil": student.name},
        body=_("%(reason)s. If you know this person, add them on the pickup page.")
        % {"reason": pickup.get_refusal_display()},
        link=reverse("pickups:child", args=[student.pk]),
        unit=student.unit,
        params={"pickup": pickup.pk},
    )


def picked_up_today(students: list[Student], day: dt.date) -> dict[int, Pickup]:
    """The latest allowed pickup of each pupil on `day`."""
    out: dict[int, Pickup] = {}
    for p in Pickup.objects.filter(student__in=students, day=day, allowed=True).order_by("at", "id"):
        out[p.student_id] = p
    return out
