"""The printable summary of a place for a bureau meeting: headline figures, the child units ranked,
who is behind, and the definitions. Rendered by `core.pdf` (CJK fonts embedded,
nothing fetched)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from safecampus.core.pdf import render_pdf
from safecampus.training.models import Audience

from .figures import report
from .pages import DEFINITIONS, Ask

BEHIND = 5


def summary_context(ask: Ask) -> dict[str, Any]:
    from .views import child_rows

    place, scope = ask.place, ask.scope
    assert scope is not None
    figures = report([place.key], scope, audience=ask.audience, start=ask.start, end=ask.end).of(
        place.key, ask.audience
    )
    ranked = child_rows(ask, "-participation_rate")
    with_target = [r for r in ranked if r["f"].target]
    behind = sorted(with_target, key=lambda r: (r["f"].participation_rate or 0, r["name"]))[:BEHIND]
    for r in behind:
        r["missing"] = max(r["f"].target - r["f"].participants, 0)
    return {
        "ask": ask,
        "place": place,
        "scope": scope,
        "figures": figures,
        "ranked": ranked,
        "behind": behind,
        "definitions": DEFINITIONS,
        "generated": timezone.localtime(),
        "audience_label": dict(Audience.choices).get(ask.audience or "", ""),
    }


def render_summary(request: HttpRequest, ask: Ask) -> bytes:
    return render_pdf("stats/summary_pdf.html", summary_context(ask), request=request)
