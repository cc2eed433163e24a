"""Every (status, action, role) triple of the letter's transition table: the allowed ones succeed,
the rest are refused and change nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from safecampus.accounts.models import User
from safecampus.core.errors import Conflict, Invalid
from safecampus.supervision import services
from safecampus.supervision.models import Letter, LetterStatus
from safecampus.supervision.workflow import ACTIONS, TRANSITIONS

# role → the actions it may take (given the status allows them)
CAST = {
    "demo_county": {"close", "return"},
    "demo_city": {"close", "return"},
    "demo_principal": {"reply"},
    "demo_safety": {"reply"},
    "demo_teacher": set(),
    "demo_county2": set(),
    "demo_principal2": set(),
}
DATA = {"reply": {"text": "已整改完毕"}, "return": {"note": "请补充照片"}, "close": {}}


@pytest.mark.parametrize("status", LetterStatus.values)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("username", sorted(CAST))
def test_triple(make_letter, major, status, action, username):
    letter = make_letter(major)
    Letter.objects.filter(pk=letter.pk).update(status=status)
    letter.refresh_from_db()
    actor = User.objects.get(username=username)
    allowed = status in TRANSITIONS[action][0] and action in CAST[username]
    if allowed:
        services.act_letter(letter, actor=actor, action=action, data=DATA[action])
        assert letter.status == TRANSITIONS[action][1]
    else:
        with pytest.raises((Conflict, PermissionDenied)):
            services.act_letter(letter, actor=actor, action=action, data=DATA[action])
        letter.refresh_from_db()
        assert letter.status == status and not letter.reply_text and not letter.review_note


def test_unknown_action(make_letter, major, county):
    with pytest.raises(Invalid):
        services.act_letter(make_letter(major), actor=county, action="approve")


def test_every_status_is_reachable_and_closed_is_final():
    targets = {to for _f, to, _p in TRANSITIONS.values()}
    assert targets | {LetterStatus.ISSUED} == set(LetterStatus.values)
    assert not any(LetterStatus.CLOSED in sources for sources, _t, _p in TRANSITIONS.values())
