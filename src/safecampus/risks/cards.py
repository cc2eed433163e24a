"""Post risk notice cards (岗位风险告知卡) and the major-risk notice board (重大风险公告栏).

A card lists, for one post of a school, the confirmed risks it faces with their controls and
emergency measures, in a band of the colour of its highest level, and carries a QR code that
opens the card's page on a phone. PDFs come from HTML through WeasyPrint with the machine's Noto
CJK fonts (named by family); nothing is fetched except the inline QR code (a data: URL).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from safecampus.core.models import Unit

from .grading import RiskPolicy, risk_policy_for
from .models import LEVEL_ORDER, Level, RiskPoint, Status

SIZES = {"A4": "A4", "A5": "A5"}


def qr_svg_data_url(text: str) -> str:
    """A QR code of `text` as an SVG data: URL (vector: sharp in print at any size)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=1)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


@dataclass
class Card:
    unit: Unit
    post: str
    points: list[RiskPoint]
    policy: RiskPolicy

    @property
    def worst(self) -> str:
        if not self.points:
            return Level.LOW
        return max(self.points, key=lambda p: LEVEL_ORDER.get(p.level, 0)).level

    @property
    def band_hex(self) -> str:
        return self.policy.hex(self.worst)

    @property
    def band_label(self) -> str:
        return self.policy.label(self.worst)


def post_points(user: Any, unit: Unit, post: str) -> QuerySet[RiskPoint]:
    return (
        RiskPoint.objects.visible_to(user)
        .filter(unit=unit, responsible_post=post, status=Status.CONFIRMED)
        .select_related("responsible_person", "unit")
        .order_by("-score", "name", "pk")
    )


def card_for(user: Any, unit: Unit, post: str) -> Card:
    return Card(unit, post, list(post_points(user, unit, post)), risk_policy_for(unit))


def _labelled(points: list[RiskPoint], policy: RiskPolicy) -> list[dict[str, Any]]:
    return [{"p": p, "label": policy.label(p.level), "hex": policy.hex(p.level)} for p in points]


def card_context(card: Card, *, link: str, size: str) -> dict[str, Any]:
    return {
        "card": card,
        "items": _labelled(card.points, card.policy),
        "qr": qr_svg_data_url(link),
        "link": link,
        "size": SIZES.get(size, "A4"),
        "legend": [(lv, card.policy.label(lv), card.policy.hex(lv)) for lv in Level.values],
        "generated": timezone.localdate(),
    }


def board_context(user: Any, unit: Unit) -> dict[str, Any]:
    """The notice board of a school: its confirmed major risks with their control plans."""
    policy = risk_policy_for(unit)
    points = list(
        RiskPoint.objects.visible_to(user)
        .filter(unit=unit, level=Level.MAJOR, status=Status.CONFIRMED)
        .select_related("control_plan__responsible_person", "responsible_person")
        .order_by("-score", "name", "pk")
    )
    return {
        "unit": unit,
        "items": _labelled(points, policy),
        "red": policy.hex(Level.MAJOR),
        "label": policy.label(Level.MAJOR),
        "generated": timezone.localdate(),
    }
