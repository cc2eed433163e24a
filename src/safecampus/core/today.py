"""The "today" registry: what needs the reader today, contributed by the modules.

Each app declares its cards in `AppConfig.ready()`, next to its navigation entries:

    today.register(today.Card("hazards.to_confirm", _("Hazards to confirm"), "hazards:confirm",
                              count=lambda user, active: queries.to_confirm(user).count(),
                              who=Perm.MANAGE_HAZARDS, order=10))

`who` is the navigation registry's rule (None, a permission held at the active unit, a Role, a
callable, or a tuple of these). `count` reads through the access layer (`visible_to`), so a card
never counts another school's rows. The home page shows the cards and `GET /api/v1/today`
answers them as `[{"key", "title", "count", "url"}]` for phone clients. Cards that share a costly
read (a class's progress board) compute it once per `cards_for` call with `shared(key, fn)`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from .access import memberships
from .nav import Who, shown


@dataclass(frozen=True)
class Card:
    key: str
    title: Any  # a lazy translation
    url: str | Callable[[Any, Any], str]  # a URL name (no arguments), or (user, active) -> path
    count: Callable[[Any, Any], int]  # (user, active membership) -> how many need them
    who: Who = None
    icon: str = "check2-square"
    order: int = 50


_CARDS: dict[str, Card] = {}
_SHARED: ContextVar[dict[str, Any] | None] = ContextVar("today_shared", default=None)


def shared(key: str, compute: Callable[[], Any]) -> Any:
    """A value computed once for all the cards of one `cards_for` call (every time outside one)."""
    memo = _SHARED.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def register(*cards: Card) -> None:
    """Declare cards (idempotent: a key is declared once)."""
    for card in cards:
        _CARDS[card.key] = card


def registered() -> list[Card]:
    return sorted(_CARDS.values(), key=lambda c: (c.order, c.key))


def cards_for(user: Any, active: Any = None) -> list[dict[str, Any]]:
    """The cards the user sees (acting as `active`), each with its count, title and address."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    # Acting as no chosen membership (API clients, the first page after sign-in): every membership.
    acting = [active] if active is not None else (memberships(user) or [None])
    token = _SHARED.set({})
    try:
        return _cards(user, active, acting)
    finally:
        _SHARED.reset(token)


def _cards(user: Any, active: Any, acting: list[Any]) -> list[dict[str, Any]]:
    out = []
    for card in registered():
        if not any(shown(card.who, user, m) for m in acting):
            continue
        try:
            url = card.url(user, active) if callable(card.url) else reverse(card.url)
        except NoReverseMatch:  # an app that is not installed here
            continue
        out.append({"key": card.key, "title": str(card.title), "count": int(card.count(user, active)),
                    "url": url, "icon": card.icon})  # fmt: skip
    return out
