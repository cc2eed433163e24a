"""Visitor samples of demo-c1-k1-s1 for the tenancy walk (made on first use, through the
services): a visit checked in by demo_guard and a watch-list entry. Their texts carry "东港区" so
the walk notices any leak.

The public pages (`book/<token>`, `pass/<code>`) are reached by whoever holds the secret token or
the unguessable pass code; the walk asks them with a token and a code that are nobody's (404)."""

from __future__ import annotations

import uuid

from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.core.validators import id_card_check_char
from safecampus.visitors import services, watch
from safecampus.visitors.models import Visit, VisitStatus, WatchEntry

K1_S1 = "demo-c1-k1-s1"
NAME = "东港区样本访客"


def k1_visit() -> Visit:
    school = Unit.objects.get(code=K1_S1)
    visit = Visit.objects.filter(unit=school, visitor_name=NAME).first()
    if visit is None:
        visit, _c = services.register_visit(
            school,
            actor=User.objects.get(username="demo_teacher"),
            data={
                "client_id": str(uuid.uuid4()),
                "visitor_name": NAME,
                "visitor_phone": "13905321234",
                "id_number": "37020219800101123" + id_card_check_char("37020219800101123"),
                "purpose": "东港区样本约谈",
                "expected_at": timezone.now(),
            },
        )
        services.check_in(visit, actor=User.objects.get(username="demo_guard"))
        visit.refresh_from_db()
    assert visit.status in (VisitStatus.INSIDE, VisitStatus.LEFT)
    return visit


def k1_entry() -> WatchEntry:
    school = Unit.objects.get(code=K1_S1)
    entry = WatchEntry.objects.filter(unit=school, name="东港区样本人").first()
    if entry is None:
        entry = watch.add_entry(
            school,
            actor=User.objects.get(username="demo_principal"),
            data={"name": "东港区样本人", "reason": "court_order", "reference": "东港区样本文书"},
        )
    return entry


def visit_id() -> int:
    return k1_visit().pk


def entry_id() -> int:
    return k1_entry().pk


def token() -> str:
    return "nobodys-booking-token"


def code() -> str:
    return "V" + "2" * services.CODE_LENGTH
