"""Every change to a notice goes through here: who may, validation, write, audit, events.

`create_notice` (a holder of `notices.send` at the sender's unit) writes a draft or publishes at
once; a retry with the same `client_id` answers the notice the first call made. `publish` and
`withdraw` move the status along `notices.workflow.TRANSITIONS` (compare-and-set, audit in the
same transaction, `notice.published` on commit). `revise` changes the text: a published notice
gets a new version, which later confirmations record. Publishing writes the notice and its
target units only — never a row per recipient.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.access import is_root, memberships
from safecampus.core.cleaning import clean_text, client_uuid
from safecampus.core.errors import Conflict, Invalid, InvalidFields
from safecampus.core.models import Unit
from safecampus.core.roles import Perm

from . import events
from .audience import Audience, clean_audience, recipient_counts
from .models import ConfirmMode, Notice, NoticeKind, NoticeStatus, NoticeTarget, SchoolResponse
from .workflow import EDITABLE, TRANSITIONS

MAX_ACK_HOURS = 168
MAX_BODY = 20000


def sender_units(user: Any) -> list[Unit]:
    """The units the user may send notices from (their own memberships' units)."""
    if is_root(user):
        return list(Unit.objects.filter(depth=1, is_active=True))
    return list({m.unit.pk: m.unit for m in memberships(user, Perm.SEND_NOTICES)}.values())


def sender_unit(user: Any, code: Any = None) -> Unit:
    """The unit a notice is sent from: the one named (by code), or the user's only one."""
    units = sender_units(user)
    if code not in (None, ""):
        unit = next((u for u in units if u.code == code), None)
        if unit is None:
            raise PermissionDenied(Perm.SEND_NOTICES)
        return unit
    if not units:
        raise PermissionDenied(Perm.SEND_NOTICES)
    return min(units, key=lambda u: (u.depth, u.path))


def may(user: Any, notice: Notice) -> bool:
    """May the user edit, publish and withdraw the notice (send at its very unit)?"""
    return is_root(user) or any(m.unit_id == notice.unit_id for m in memberships(user, Perm.SEND_NOTICES))


def _moment(value: Any, field: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = parse_datetime(str(value).strip()[:40])
        except ValueError:
            moment = None
        if moment is None:
            raise Invalid(_("Enter a valid date and time."), field=field)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _choice(value: Any, choices: Any, default: str, field: str, message: str) -> str:
    if value in (None, ""):
        return default
    if value not in choices.values:
        raise Invalid(message, field=field)
    return str(value)


def _flag(value: Any, field: str) -> bool:
    if value in (None, ""):
        return False
    if not isinstance(value, bool):
        raise Invalid(_("Give true or false."), field=field)
    return value


def clean_notice(unit: Unit, data: dict[str, Any], *, require_future: bool = True) -> dict[str, Any]:
    """The notice's fields, each checked; `InvalidFields` names every wrong one. Audience units
    outside the sender's subtree raise PermissionDenied (403)."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}

    def take(name: str, fn: Any) -> None:
        try:
            out[name] = fn()
        except Invalid as exc:
            errors.setdefault(exc.field or name, str(exc.message))

    take("title", lambda: clean_text(data.get("title"), 200, "title", required=_("Give the notice a title.")))
    take(
        "body",
        lambda: clean_text(
            data.get("body"), MAX_BODY, "body", multiline=True, required=_("Write the text of the notice.")
        ),
    )
    kinds = _("Choose the kind: notice, warning or letter to parents.")
    modes = _("Choose how recipients confirm: read, confirm or receipt.")
    take("kind", lambda: _choice(data.get("kind"), NoticeKind, NoticeKind.NOTICE, "kind", kinds))
    take("confirm", lambda: _choice(data.get("confirm"), ConfirmMode, ConfirmMode.READ, "confirm", modes))
    take("question", lambda: clean_text(data.get("question"), 200, "question"))
    take("signature", lambda: _flag(data.get("signature"), "signature"))
    take("deadline", lambda: _moment(data.get("deadline"), "deadline"))
    take("ack_hours", lambda: _hours(data.get("ack_hours")))
    take("require_forward", lambda: _flag(data.get("require_forward"), "require_forward"))
    take("require_report", lambda: _flag(data.get("require_report"), "require_report"))
    take("client_id", lambda: client_uuid(data.get("client_id")))
    take("audience", lambda: clean_audience(unit, data.get("audience")))
    if out.get("deadline") and require_future and out["deadline"] <= timezone.now():
        errors.setdefault("deadline", _("The deadline must be in the future."))
    if not unit.is_bureau and (
        out.get("ack_hours") or out.get("require_forward") or out.get("require_report")
    ):
        errors.setdefault("ack_hours", _("Only a bureau asks schools to acknowledge, forward or report."))
    if out.get("signature") and out.get("confirm") != ConfirmMode.RECEIPT:
        errors.setdefault("signature", _("A drawn signature goes with a receipt per child."))
    if errors:
        raise InvalidFields(errors)
    return out


def _hours(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not str(value).isdigit() or not 1 <= int(value) <= MAX_ACK_HOURS:
        raise Invalid(
            _("Ensure this value is between %(a)s and %(b)s.") % {"a": 1, "b": MAX_ACK_HOURS},
            field="ack_hours",
        )
    return int(value)


def _earlier(actor: Any, data: dict[str, Any]) -> Notice | None:
    try:
        client_id = client_uuid(data.get("client_id"))
    except Invalid:
        return None  # named with the other fields by clean_notice
    if client_id is None:
        return None
    return Notice.objects.filter(created_by=actor, client_id=client_id).select_related("unit").first()


def create_notice(
    actor: Any,
    data: dict[str, Any],
    *,
    unit: Unit | None = None,
    draft: bool = False,
    forwarded_from: Notice | None = None,
) -> tuple[Notice, bool]:
    """Write a notice of `unit` (the actor's sending unit by default) as a draft or published at
    once; returns (notice, created). A retry with the same `client_id` answers the first one."""
    earlier = _earlier(actor, data)
    if earlier is not None:
        return earlier, False
    unit = unit or sender_unit(actor, data.get("unit"))
    if not is_root(actor) and not any(m.unit_id == unit.pk for m in memberships(actor, Perm.SEND_NOTICES)):
        raise PermissionDenied(Perm.SEND_NOTICES)
    fields = clean_notice(unit, data)
    aud: Audience = fields.pop("audience")
    notice = Notice(
        **fields,
        audience=aud.as_json(),
        created_by=actor,
        forwarded_from=forwarded_from,
        school_lines=clean_text(data.get("school_lines"), 4000, "school_lines", multiline=True),
        calendar_key=str(data.get("calendar_key") or "")[:40],
        season=str(data.get("season") or "")[:16],
    )
    notice.set_unit(unit)
    try:
        with transaction.atomic():
            notice.save()
            _write_targets(notice, aud)
            audit.record(actor, "notices.created", notice, after=notice.audit_snapshot())
            if not draft:
                _publish(notice, actor=actor)
    except IntegrityError:
        earlier = _earlier(actor, data)
        if earlier is not None:
            return earlier, False
        if forwarded_from is not None:
            raise Conflict(_("This school has already forwarded the notice.")) from None
        raise  # pragma: no cover
    return notice, True


def _write_targets(notice: Notice, aud: Audience) -> None:
    NoticeTarget.objects.filter(notice=notice).delete()
    units = Unit.objects.filter(path__in=aud.paths)
    NoticeTarget.objects.bulk_create([NoticeTarget(notice=notice, unit=u, path=u.path) for u in units])


def _move(notice: Notice, action: str, *, actor: Any, changes: dict[str, Any]) -> Notice:
    allowed_from, to_state, _perm = TRANSITIONS[action]
    if not may(actor, notice):
        raise PermissionDenied(f"notices.{action}")
    with transaction.atomic():
        was = Notice.objects.filter(pk=notice.pk).values_list("status", flat=True).first()
        moved = Notice.objects.filter(pk=notice.pk, status__in=allowed_from).update(
            status=to_state, **changes
        )
        if not moved:
            raise Conflict(
                _("This notice is %(status)s: it cannot be changed that way.")
                % {"status": NoticeStatus(was).label if was else "?"}
            )
        notice.refresh_from_db()
        audit.record(actor, f"notices.{action}", notice, before={"status": was}, after={"status": to_state})
    return notice


def _publish(notice: Notice, *, actor: Any) -> Notice:
    notice = _move(notice, "publish", actor=actor,
                   changes={"published_at": timezone.now(), "published_by": actor})  # fmt: skip
    if notice.forwarded_from_id:
        original = notice.forwarded_from
        response, _created = SchoolResponse.objects.get_or_create(
            notice=original, unit=notice.unit, defaults={"unit_path": notice.unit_path}
        )
        SchoolResponse.objects.filter(pk=response.pk).update(forward=notice)
        audit.record(actor, "notices.forwarded", original, unit=notice.unit,
                     after={"school": notice.unit.name, "forward": notice.pk})  # fmt: skip
    events.published(notice)
    return notice


def publish(notice: Notice, *, actor: Any) -> Notice:
    with transaction.atomic():
        return _publish(notice, actor=actor)


def withdraw(notice: Notice, *, actor: Any) -> Notice:
    return _move(notice, "withdraw", actor=actor, changes={"withdrawn_at": timezone.now()})


def update_draft(notice: Notice, *, actor: Any, data: dict[str, Any]) -> Notice:
    """Replace a draft's fields (the compose page's second save)."""
    if not may(actor, notice):
        raise PermissionDenied("notices.edit")
    fields = clean_notice(notice.unit, data)
    fields.pop("client_id", None)
    aud: Audience = fields.pop("audience")
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.status != NoticeStatus.DRAFT:
            raise Conflict(_("Only a draft can be changed this way."))
        before = locked.audit_snapshot()
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.audience = aud.as_json()
        locked.school_lines = clean_text(data.get("school_lines"), 4000, "school_lines", multiline=True)
        locked.save()
        _write_targets(locked, aud)
        audit.record(actor, "notices.edited", locked, before=before, after=locked.audit_snapshot())
    return locked


def revise(notice: Notice, *, actor: Any, title: Any, body: Any) -> Notice:
    """Change the text; a published notice gets a new version (confirmations record theirs)."""
    if not may(actor, notice):
        raise PermissionDenied("notices.revise")
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for name, value, limit, required in (
        ("title", title, 200, _("Give the notice a title.")),
        ("body", body, MAX_BODY, _("Write the text of the notice.")),
    ):
        try:
            values[name] = clean_text(value, limit, name, multiline=name == "body", required=required)
        except Invalid as exc:
            errors[name] = str(exc.message)
    if errors:
        raise InvalidFields(errors)
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.status not in EDITABLE:
            raise Conflict(_("A withdrawn notice cannot be changed."))
        if values["title"] == locked.title and values["body"] == locked.body:
            return locked
        before = {"title": locked.title, "version": locked.version}
        locked.title, locked.body = values["title"], values["body"]
        if locked.status == NoticeStatus.PUBLISHED:
            locked.version += 1
        locked.save(update_fields=["title", "body", "version"])
        audit.record(actor, "notices.revised", locked, before=before,
                     after={"title": locked.title, "version": locked.version})  # fmt: skip
    return locked


def recipients(notice: Notice, under: str = "") -> int:
    """How many recipient slots the notice's audience has now (under a path)."""
    return recipient_counts(Audience.of(notice.audience), under).total
