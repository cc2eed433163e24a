"""The visitor's side, without signing in: the school's booking page (its address is the QR on
the gate's poster) and the visitor's pass (the pass code as a QR, printable as a slip).

Bookings from one address are limited (`BOOKINGS_PER_HOUR`); the pass page answers only a full,
unguessable pass code and shows no personal data beyond the visitor's masked name."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from safecampus.core.errors import DomainError
from safecampus.core.middleware import client_address
from safecampus.core.roles import Perm
from safecampus.roster.slips import qr_data_uri

from . import services
from .forms import BookingForm, apply_errors
from .models import BookingLink, Visit, VisitStatus
from .views import gate_school

BOOKINGS_PER_HOUR = 10
TOKEN_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _link(token: str) -> BookingLink:
    if not token or len(token) > 40 or not set(token) <= TOKEN_CHARS:
        raise Http404
    link = BookingLink.objects.filter(token=token, is_open=True).select_related("unit").first()
    if link is None or not link.unit.is_active:
        raise Http404
    return link


def _allowed(request: HttpRequest, link: BookingLink) -> bool:
    key = f"visitors.booking:{link.pk}:{client_address(request) or '-'}"
    count = cache.get(key, 0)
    if count >= BOOKINGS_PER_HOUR:
        return False
    cache.set(key, count + 1, 3600)
    return True


@never_cache
def book(request: HttpRequest, token: str) -> HttpResponse:
    link = _link(token)
    form = BookingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not _allowed(request, link):
            form.is_valid()
            form.add_error(None, _("Too many bookings from this device; please try again in an hour."))
            status = 429
        elif form.is_valid():
            try:
                visit = services.book_visit(link, data=form.cleaned_data)
                return redirect("visitors:pass", visit.pass_code)
            except DomainError as exc:
                apply_errors(form, exc)
        if status == 200:
            status = 400
    return render(request, "visitors/book.html", {"form": form, "school": link.unit}, status=status)


@never_cache
def pass_page(request: HttpRequest, code: str) -> HttpResponse:
    code = services.normalise_code(code)
    if not code.startswith("V") or len(code) != 1 + services.CODE_LENGTH:
        raise Http404
    visit = Visit.objects.filter(pass_code=code).select_related("unit", "host").first()
    if visit is None:
        raise Http404
    valid = visit.status in (VisitStatus.APPROVED, VisitStatus.INSIDE)
    return render(
        request,
        "visitors/pass.html",
        {"visit": visit, "valid": valid, "qr": qr_data_uri(visit.pass_code) if valid else ""},
    )


@login_required
def poster(request: HttpRequest) -> HttpResponse:
    """The school's booking link and its QR, to print for the gate or send to visitors."""
    school = gate_school(request, Perm.VIEW_GATE)
    renew = request.method == "POST" and request.POST.get("renew") == "1"
    try:
        link = services.booking_link(school, actor=request.user, renew=renew)
    except DomainError as exc:
        raise Http404 from exc
    if renew:
        return redirect(reverse("visitors:poster") + f"?unit={school.code}")
    url = request.build_absolute_uri(reverse("visitors:book", args=[link.token]))
    return render(
        request,
        "visitors/poster.html",
        {"school": school, "url": url, "qr": qr_data_uri(url), "breadcrumbs": [{"label": _("Booking QR")}]},
    )
