"""Who hears about supervision, through the inbox, after the change has committed: the school's
hazard managers when a hazard is listed or a letter issued (or its reply returned), the bureau's
supervisors when the school replies. Texts are stored untranslated with parameters."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_noop

from safecampus.core.roles import Perm
from safecampus.hazards.notices import holders
from safecampus.inbox.models import NotificationKind
from safecampus.inbox.services import notify

from .models import Letter, ListedSupervision


def listed(listing_id: int) -> int:
    listing = (
        ListedSupervision.objects.select_related("unit", "bureau", "hazard").filter(pk=listing_id).first()
    )
    if listing is None:
        return 0
    return notify(
        holders(Perm.MANAGE_HAZARDS, [listing.unit]),
        kind=NotificationKind.HAZARD,
        title=gettext_noop("Hazard listed for supervision: %(number)s"),
        body=gettext_noop("%(bureau)s lists %(number)s for supervision; rectify by %(date)s."),
        params={
            "number": listing.hazard.number,
            "bureau": listing.bureau.name,
            "date": listing.deadline.isoformat(),
        },
        link=reverse("supervision:school", args=[listing.unit_id]),
        dedupe_key=f"listing:{listing.pk}",
        unit=listing.unit,
    )


def _letter(letter_id: int) -> Letter | None:
    return Letter.objects.select_related("unit", "bureau").filter(pk=letter_id).first()


def letter_issued(letter_id: int) -> int:
    letter = _letter(letter_id)
    if letter is None:
        return 0
    return notify(
        holders(Perm.MANAGE_HAZARDS, [letter.unit]),
        kind=NotificationKind.HAZARD,
        title=gettext_noop("Letter %(number)s from %(bureau)s"),
        body=gettext_noop("Reply in writing by %(date)s."),
        params={"number": letter.number, "bureau": letter.bureau.name, "date": letter.deadline.isoformat()},
        link=reverse("supervision:letter", args=[letter.pk]),
        dedupe_key=f"letter:{letter.pk}:issued",
        unit=letter.unit,
    )


def letter_acted(letter_id: int, action: str) -> int:
    letter = _letter(letter_id)
    if letter is None:
        return 0
    step = f"letter:{letter.pk}:{action}:{letter.status_changed_at.timestamp():.0f}"
    params = {"number": letter.number, "school": letter.unit.name, "date": letter.deadline.isoformat()}
    link = reverse("supervision:letter", args=[letter.pk])
    if action == "reply":
        users = holders(Perm.SUPERVISE_HAZARDS, [letter.bureau])
        title = gettext_noop("Reply to letter %(number)s from %(school)s")
    elif action == "return":
        users = holders(Perm.MANAGE_HAZARDS, [letter.unit])
        title = gettext_noop("Reply to letter %(number)s returned: please reply again")
    else:
        users = holders(Perm.MANAGE_HAZARDS, [letter.unit])
        title = gettext_noop("Letter %(number)s closed")
    return notify(users, kind=NotificationKind.HAZARD, title=title, params=params, link=link,
                  dedupe_key=step, unit=letter.unit)  # fmt: skip
