"""`GET /api/v1/today`: the reader's "today" cards for phone clients (see `core.today`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from .api import ERRORS
from .today import cards_for

router = Router(tags=["today"])


class CardOut(Schema):
    key: str
    title: str  # in the request's language
    count: int
    url: str  # the page the card opens


@router.get("", response={200: list[CardOut], **ERRORS}, summary="What needs me today")
def today_cards(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    return cards_for(user, getattr(user, "active_membership", None))
