"""Post risk notice cards: the list of posts, a card's phone page (what its QR code opens), the card
as a PDF (A4 or A5), and the major-risk notice board PDF. School people who may view risks only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from safecampus.core.models import Unit
from safecampus.core.pdf import pdf_response, render_pdf

from . import cards, queries
from .views import crumbs


def _post(request: HttpRequest) -> str:
    post = " ".join(str(request.GET.get("post") or "").replace("\x00", "").split())
    if not post or len(post) > 40:
        raise Http404
    return post


def _link(request: HttpRequest, unit: Unit, post: str) -> str:
    return request.build_absolute_uri(f"{reverse('risks:card', args=[unit.pk])}?{urlencode({'post': post})}")


def _card(request: HttpRequest, unit_id: int) -> cards.Card:
    unit = queries.school_for(request.user, unit_id)
    card = cards.card_for(request.user, unit, _post(request))
    if not card.points:
        raise Http404
    return card


@login_required
def card_list(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = queries.school_for(request.user, unit_id)
    rows = []
    for post in queries.posts_of(request.user, unit):
        card = cards.card_for(request.user, unit, post)
        if card.points:
            rows.append({"card": card, "query": urlencode({"post": post})})
    return render(
        request,
        "risks/cards.html",
        {"unit": unit, "rows": rows, "breadcrumbs": crumbs(unit, {"label": _("Post risk notice cards")})},
    )


@login_required
def card_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The card on a phone (the QR code's target)."""
    card = _card(request, unit_id)
    return render(
        request,
        "risks/card_page.html",
        {
            **cards.card_context(card, link=_link(request, card.unit, card.post), size="A4"),
            "query": urlencode({"post": card.post}),
            "breadcrumbs": crumbs(
                card.unit,
                {"label": _("Post risk notice cards"), "url": reverse("risks:cards", args=[card.unit.pk])},
                {"label": card.post},
            ),
        },
    )


@login_required
def card_pdf(request: HttpRequest, unit_id: int) -> HttpResponse:
    card = _card(request, unit_id)
    size = request.GET.get("size", "A4")
    size = size if size in cards.SIZES else "A4"
    context = cards.card_context(card, link=_link(request, card.unit, card.post), size=size)
    return pdf_response(render_pdf("risks/card_pdf.html", context), f"risk-card-{card.unit.code}-{size}.pdf")


@login_required
def board_pdf(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = queries.school_for(request.user, unit_id)
    data = render_pdf("risks/board_pdf.html", cards.board_context(request.user, unit))
    return pdf_response(data, f"major-risk-board-{unit.code}.pdf")
