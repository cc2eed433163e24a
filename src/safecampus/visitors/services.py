"""Every change to a visit goes through here: permission, validation, write, audit.

- `register_visit`: a host (staff with HOST_VISITS) pre-registers a visitor — approved at once when
  they host it themselves, pending for the named host otherwise; a phone's retry with the same
  `client_id` answers the first visit again.
- `book_visit`: a visitor books on the school's public page (no login); pending for the host.
- `walk_in`: the guard registers a visitor at the gate; inside at once.
- `approve`, `decline`, `cancel`, `check_in`, `check_out`: the transitions of `workflow.TRANSITIONS`.
- `reveal`: the clear mobile or ID number of a visit, for the gate and the host, audited.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.accounts.models import User
from safecampus.core import audit
from safecampus.core.cleaning import clean_text, client_uuid
from safecampus.core.errors import Conflict, Invalid, InvalidFields
from safecampus.core.models import Unit, UnitKind
from safecampus.core.roles import Perm, Role, role_allows
from safecampus.core.scoping import has_perm_at, require

from . import watch
from .cleaning import clean_visit
from .models import BookingLink, Source, Visit, VisitStatus
from .workflow import START, TRANSITIONS

# Pass codes: "V" and 8 characters without look-alikes (0/O, 1/I/L): 31^8 ≈ 8.5·10^11 codes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
REVEALED = "privacy.revealed"
REVEAL_FIELDS = ("phone", "id_number")


def new_pass_code() -> str:
    return "V" + "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def desk_code(value: Any) -> str:
    """What the desk's box sent, without spaces or control characters (a scanner's line end)."""
    return "".join(ch for ch in str(value or "") if ch.isprintable() and not ch.isspace())[:40]


def normalise_code(value: Any) -> str:
    """A visitor's pass code as stored: letters and digits, upper case."""
    return "".join(ch for ch in desk_code(value) if ch.isascii() and ch.isalnum()).upper()


def _school(unit: Unit) -> Unit:
    if unit.kind != UnitKind.SCHOOL:
        raise Invalid(_("Visits belong to a school."), field="unit")
    return unit


def hosts_at(school: Unit) -> QuerySet[User]:
    """The school's staff who may host visitors (active memberships at the school itself)."""
    roles = [r for r in Role.values if role_allows(r, Perm.HOST_VISITS)]
    return User.objects.filter(
        is_active=True, memberships__unit=school, memberships__is_active=True, memberships__role__in=roles
    ).distinct()


def _host(school: Unit, host_id: Any) -> User:
    try:
        pk = int(host_id)
    except (TypeError, ValueError):
        raise Invalid(_("Choose the host of the visit."), field="host_id") from None
    host = hosts_at(school).filter(pk=pk).first()
    if host is None:
        raise Invalid(_("The host must be a staff member of this school."), field="host_id")
    return host


def snapshot(visit: Visit) -> dict[str, Any]:
    return {
        "visitor_name": visit.name_masked,
        "phone": visit.phone_masked if visit.phone_enc else "",
        "id_number": visit.id_number_masked if visit.id_number_enc else "",
        "purpose": visit.purpose,
        "host": visit.host_id,
        "expected_at": f"{timezone.localtime(visit.expected_at):%Y-%m-%d %H:%M}"
        if visit.expected_at
        else None,
        "plate": visit.plate,
        "items": visit.items,
        "status": visit.status,
        "source": visit.source,
    }


def _create(school: Unit, fields: dict[str, Any], *, host: User | None, source: str, actor: Any,
            client_id: uuid.UUID | None = None, status: str | None = None) -> Visit:  # fmt: skip
    visit = Visit(
        visitor_name=fields["visitor_name"],
        purpose=fields["purpose"],
        host=host,
        expected_at=fields["expected_at"],
        plate=fields["plate"],
        items=fields["items"],
        source=source,
        status=status or START[source],
        client_id=client_id,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    visit.phone = fields["phone"]
    visit.id_number = fields["id_number"]
    visit.set_unit(school)
    now = timezone.now()
    if visit.status == VisitStatus.APPROVED and host is not None and host == visit.created_by:
        visit.decided_by, visit.decided_at = host, now
    if visit.status == VisitStatus.INSIDE:
        visit.checked_in_at, visit.checked_in_by = now, visit.created_by
    for _attempt in range(5):
        visit.pass_code = new_pass_code()
        try:
            with transaction.atomic():
                visit.save()
            break
        except IntegrityError:
            if (
                client_id is not None
                and Visit.objects.filter(created_by=visit.created_by, client_id=client_id).exists()
            ):
                raise
            visit.pk = None
    else:  # pragma: no cover - five collisions among 10^11 codes
        raise Conflict(_("Please try again."))
    audit.record(actor, "visitors.registered", visit, after=snapshot(visit))
    return visit


def register_visit(school: Unit, *, actor: Any, data: dict[str, Any]) -> tuple[Visit, bool]:
    """A staff member registers a visitor in advance; (visit, created). A retry with the same
    `client_id` answers the first visit (created False)."""
    _school(school)
    require(actor, Perm.HOST_VISITS, school)
    cid = client_uuid(data.get("client_id"))
    if cid is not None:
        first = Visit.objects.filter(created_by=actor, client_id=cid).first()
        if first is not None:
            return first, False
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    try:
        fields = clean_visit(data, source=Source.HOST)
    except InvalidFields as exc:
        errors.update(exc.errors)
    host = actor
    if data.get("host_id") not in (None, ""):
        try:
            host = _host(school, data.get("host_id"))
        except Invalid as exc:
            errors.setdefault("host_id", str(exc.message))
    if errors:
        raise InvalidFields(errors)
    status = VisitStatus.APPROVED if host == actor else VisitStatus.PENDING
    try:
        with transaction.atomic():
            visit = _create(
                school, fields, host=host, source=Source.HOST, actor=actor, client_id=cid, status=status
            )
    except IntegrityError:  # the same client id at the same moment
        return Visit.objects.get(created_by=actor, client_id=cid), False
    if status == VisitStatus.PENDING:
        _tell_host(visit)
    return visit, True


def book_visit(link: BookingLink, *, data: dict[str, Any]) -> Visit:
    """A visitor's booking on the school's public page: pending until the host decides."""
    if not link.is_open:
        raise Invalid(_("This school does not take bookings online."))
    school = link.unit
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    try:
        fields = clean_visit(data, source=Source.BOOKING)
    except InvalidFields as exc:
        errors.update(exc.errors)
    host = None
    try:
        host = host_named(school, data.get("host_name"))
    except Invalid as exc:
        errors.setdefault("host_name", str(exc.message))
    if errors:
        raise InvalidFields(errors)
    with transaction.atomic():
        visit = _create(school, fields, host=host, source=Source.BOOKING, actor=None)
    _tell_host(visit)
    return visit


def host_named(school: Unit, value: Any) -> User:
    """The school's host with exactly this name (what a visitor types on the booking page)."""
    name = clean_text(value, 60, "host_name", required=_("Enter the name of the person you visit."))
    for user in hosts_at(school).order_by("id"):
        if name in (user.display_name, getattr(user, "name", "")):
            return user
    raise Invalid(_("Nobody of this name at the school takes visitors; check the name."), field="host_name")


def _tell_host(visit: Visit) -> None:
    from safecampus.inbox.models import NotificationKind
    from safecampus.inbox.services import notify

    if visit.host_id is None:
        return
    transaction.on_commit(
        lambda: notify(
            [visit.host_id],
            kind=NotificationKind.MESSAGE,
            title=_("A visitor waits for your approval: %(name)s") % {"name": visit.visitor_name},
            body=visit.purpose,
            unit=visit.unit,
            link=reverse("visitors:visit", args=[visit.pk]),
            dedupe_key=f"visit:{visit.pk}:pending",
        )
    )


def walk_in(school: Unit, *, actor: Any, data: dict[str, Any]) -> tuple[Visit, list[Any], bool]:
    """The guard registers a visitor at the gate (checked in at once); (visit, watch-list matches,
    created). A retry with the same `client_id` answers the first visit."""
    _school(school)
    require(actor, Perm.WORK_GATE, school)
    cid = client_uuid(data.get("client_id"))
    if cid is not None:
        first = Visit.objects.filter(created_by=actor, client_id=cid).first()
        if first is not None:
            return first, watch.matches_for(first), False
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    try:
        fields = clean_visit(data, source=Source.WALK_IN)
    except InvalidFields as exc:
        errors.update(exc.errors)
    host = None
    if data.get("host_id") not in (None, ""):
        try:
            host = _host(school, data.get("host_id"))
        except Invalid as exc:
            errors.setdefault("host_id", str(exc.message))
    if errors:
        raise InvalidFields(errors)
    with transaction.atomic():
        visit = _create(school, fields, host=host, source=Source.WALK_IN, actor=actor, client_id=cid)
        found = watch.matches_for(visit)
        watch.warn(actor, visit, found, "walk_in")
    return visit, found, True


def may_decide(actor: Any, visit: Visit) -> bool:
    """The host decides on a booking; the principal or school administrator may too."""
    hosting = visit.host_id is not None and getattr(actor, "pk", None) == visit.host_id
    if hosting and has_perm_at(actor, Perm.HOST_VISITS, visit.unit):
        return True
    return has_perm_at(actor, Perm.MANAGE_WATCHLIST, visit.unit)


def _move(visit: Visit, action: str, *, actor: Any, extra: dict[str, Any] | None = None) -> Visit:
    allowed_from, to_state, perm = TRANSITIONS[action]
    if perm == Perm.HOST_VISITS:
        if not may_decide(actor, visit):
            raise PermissionDenied(perm)
    else:
        require(actor, perm, visit.unit)
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.status not in allowed_from:
            raise Conflict(_status_message(action, locked))
        before = locked.status
        changes: dict[str, Any] = {"status": to_state, **(extra or {})}
        moved = Visit.objects.filter(pk=locked.pk, status__in=allowed_from).update(**changes)
        if not moved:  # pragma: no cover - the row is locked above
            raise Conflict(_status_message(action, locked))
        locked.refresh_from_db()
        after = {"status": locked.status}
        if "decline_reason" in changes:
            after["reason"] = changes["decline_reason"]
        audit.record(actor, f"visitors.{action}", locked, before={"status": before}, after=after)
    return locked


def _status_message(action: str, visit: Visit) -> str:
    if action == "check_in" and visit.status == VisitStatus.INSIDE:
        return _("This visitor is already checked in.")
    if action == "check_out" and visit.status == VisitStatus.LEFT:
        return _("This visitor has already left.")
    if action == "check_in" and visit.status == VisitStatus.PENDING:
        return _("The host has not approved this visit yet.")
    return _("This visit is %(status)s: it cannot be changed so.") % {"status": visit.get_status_display()}


def approve(visit: Visit, *, actor: Any) -> Visit:
    return _move(visit, "approve", actor=actor, extra={"decided_by": actor, "decided_at": timezone.now()})


def decline(visit: Visit, *, actor: Any, reason: str = "") -> Visit:
    reason = clean_text(reason, 200, "reason")
    extra = {"decided_by": actor, "decided_at": timezone.now(), "decline_reason": reason}
    return _move(visit, "decline", actor=actor, extra=extra)


def cancel(visit: Visit, *, actor: Any) -> Visit:
    return _move(visit, "cancel", actor=actor)


def check_in(visit: Visit, *, actor: Any) -> tuple[Visit, list[Any]]:
    """The guard lets an approved visitor in; the watch list is matched again and warns."""
    today = timezone.localdate()
    if visit.status == VisitStatus.APPROVED and timezone.localtime(visit.expected_at).date() != today:
        require(actor, Perm.WORK_GATE, visit.unit)
        raise Conflict(
            _("This pass is for %(day)s, not today.")
            % {"day": f"{timezone.localtime(visit.expected_at):%Y-%m-%d}"}
        )
    with transaction.atomic():
        moved = _move(
            visit, "check_in", actor=actor, extra={"checked_in_at": timezone.now(), "checked_in_by": actor}
        )
        found = watch.matches_for(moved)
        watch.warn(actor, moved, found, "check_in")
    return moved, found


def check_out(visit: Visit, *, actor: Any) -> Visit:
    return _move(
        visit, "check_out", actor=actor, extra={"checked_out_at": timezone.now(), "checked_out_by": actor}
    )


def can_reveal(actor: Any, visit: Visit) -> bool:
    """The gate staff (to check the ID by eye) and the host may see the clear values."""
    return has_perm_at(actor, Perm.WORK_GATE, visit.unit) or (
        visit.host_id is not None and getattr(actor, "pk", None) == visit.host_id
    )


@transaction.atomic
def reveal(field: str, visit: Visit, *, actor: Any) -> str:
    """The clear mobile or ID number of a visit; each time an audit event."""
    if not can_reveal(actor, visit):
        raise PermissionDenied("privacy.reveal")
    if field not in REVEAL_FIELDS:
        raise Invalid(_("This field cannot be shown."))
    audit.record(actor, REVEALED, visit, after={"field": field})
    return visit.phone if field == "phone" else visit.id_number


def booking_link(school: Unit, *, actor: Any, renew: bool = False) -> BookingLink:
    """The school's public booking link (made on first use; `renew` closes the old address)."""
    _school(school)
    link = BookingLink.objects.filter(unit=school).first()
    if link is not None and not renew:
        return link
    require(actor, Perm.MANAGE_WATCHLIST if renew else Perm.VIEW_GATE, school)
    with transaction.atomic():
        if link is None:
            link = BookingLink(token=secrets.token_urlsafe(18)[:24])
            link.set_unit(school)
            link.save()
            audit.record(actor, "visitors.link_made", link, after={"is_open": True})
        else:
            link.token = secrets.token_urlsafe(18)[:24]
            link.save(update_fields=["token"])
            audit.record(actor, "visitors.link_renewed", link, after={"is_open": link.is_open})
    return link
