"""Notice samples of demo-c1-k1 for the tenancy walks (made on first use, through the services):
the county's letter to its parents, titled with "东港区", with a receipt of a parent of
demo-c1-k1-s1 when the roster has one."""

from __future__ import annotations

import contextlib
import uuid

from django.http import Http404

from safecampus.accounts.models import User
from safecampus.notices import receipts, services
from safecampus.notices.models import Notice
from safecampus.roster.models import Guardian

SPACE = uuid.UUID("0c6f3a9e-2b41-4d8f-9a57-1e3b7c5d2f80")


def k1_notice() -> Notice:
    county = User.objects.get(username="demo_county")
    notice, _created = services.create_notice(
        county,
        {
            "client_id": str(uuid.uuid5(SPACE, "walk")),
            "title": "东港区防溺水告知书（样本）",
            "body": "东港区教育和体育局：请家长签署回执。",
            "kind": "parent_letter",
            "confirm": "receipt",
            "audience": {"units": ["demo-c1-k1"], "parents": True},
            "require_report": True,
        },
    )
    g = Guardian.objects.filter(student__unit__code="demo-c1-k1-s1").select_related("parent").first()
    if g is not None:
        with contextlib.suppress(Http404):  # the sample parent may hold no parent role at the school
            receipts.confirm(notice, user=g.parent, data={"student_id": g.student_id})
    return notice


def notice_id() -> int:
    return k1_notice().pk
