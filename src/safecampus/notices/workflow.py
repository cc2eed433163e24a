"""A notice's status, in one table. Who may take each action: a holder of `notices.send` at the
notice's unit (`notices.services.may`). Editing the text is allowed in a draft and, as a new
version that later confirmations record, in a published notice."""

from __future__ import annotations

from safecampus.core.roles import Perm

from .models import NoticeStatus as S

TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    # action:    (from states,                        to state,     permission)
    "publish": (frozenset({S.DRAFT}), S.PUBLISHED, Perm.SEND_NOTICES),
    "withdraw": (frozenset({S.DRAFT, S.PUBLISHED}), S.WITHDRAWN, Perm.SEND_NOTICES),
}
EDITABLE = frozenset({S.DRAFT, S.PUBLISHED})
