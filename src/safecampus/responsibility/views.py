"""Responsibility letter pages (mounted at /responsibility/): my letters (read, draw, sign), the
signed PDF, a school's posts × status (sync, add, change holder, close, countersign), the texts
editor of a unit and the completeness per child unit. Views read through `queries` and write
through `services`; missing and not yours answer 404 alike."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core import access
from safecampus.core.errors import DomainError
from safecampus.core.models import Membership
from safecampus.core.pdf import pdf_response
from safecampus.core.places import id_param, unit_for
from safecampus.core.ranking import child_units
from safecampus.core.roles import Perm, Role

from . import queries, services, stats
from .applicable import applicable
from .models import LetterText, Post, PostKind


def _crumbs(*extra: dict) -> list[dict]:
    return [{"label": _("Responsibility letters"), "url": reverse("responsibility:home")}, *extra]


def _year(request: HttpRequest) -> int:
    try:
        return services.clean_year(request.GET.get("year") or request.POST.get("year"))
    except DomainError as exc:
        messages.warning(request, str(exc.message))
        return services.current_year()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    signs = access.holds_anywhere(user, Perm.SIGN_LETTERS)
    views = access.holds_anywhere(user, Perm.VIEW_DUTIES)
    if not (signs or views):
        raise Http404
    if not signs:  # bureau people: the completeness of their area (a school manager: the school)
        return redirect("responsibility:stats")
    posts = list(
        queries.my_posts(user).select_related(
            "unit", "current_text", "current_text__unit", "current_signature"
        )
    )
    due = [p for p in posts if p.status == "due"]
    signed = [p for p in posts if p.status == "signed"]
    school = access.home_unit(user, Perm.VIEW_DUTIES)
    return render(
        request,
        "responsibility/home.html",
        {
            "due": due,
            "signed": signed,
            "none": [p for p in posts if p.status == "none"],
            "year": services.current_year(),
            "school_link": school is not None and not school.is_bureau,
            "stats_unit": school if school is not None and school.is_bureau else None,
            "default_name": user.display_name,
            "breadcrumbs": [{"label": _("Responsibility letters")}],
        },
    )


@login_required
@require_POST
def sign(request: HttpRequest, letter_post_id: int) -> HttpResponse:
    user = request.user
    post = queries.my_post(user, letter_post_id)
    try:
        _sig, created = services.sign(
            post,
            actor=user,
            signature=request.POST.get("signature"),
            name=request.POST.get("name"),
            client_id=request.POST.get("client_id"),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(f"{reverse('responsibility:home')}#letter-{post.pk}")
    if created:
        messages.success(request, _("Letter signed. The signed PDF is kept with its fingerprint."))
    return redirect(f"{reverse('responsibility:home')}#signed-{post.pk}")


@login_required
def signature_pdf(request: HttpRequest, signature_id: int) -> HttpResponse:
    sig = queries.visible_signature(request.user, signature_id)
    try:
        with sig.pdf.open("rb") as fh:
            data = fh.read()
    except (OSError, ValueError):  # no file kept (or lost from the media store)
        raise Http404 from None
    return pdf_response(data, f"{sig.text.title}-v{sig.text.number}.pdf", private=True)


def _school(request: HttpRequest) -> Any:
    user = request.user
    code = request.GET.get("unit") or request.POST.get("unit")
    if code:
        return unit_for(user, Perm.VIEW_DUTIES, code=code, school=True)
    unit = access.home_unit(user, Perm.VIEW_DUTIES)
    if unit is None or unit.is_bureau:
        raise Http404
    return unit


@login_required
def school(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not request.GET.get("unit"):
        unit = access.home_unit(user, Perm.VIEW_DUTIES)
        if unit is not None and unit.is_bureau:
            return redirect(f"{reverse('responsibility:stats')}?{urlencode({'unit': unit.code})}")
    unit = _school(request)
    year = _year(request)
    order = {k: i for i, k in enumerate(PostKind.values)}
    posts = sorted(queries.school_posts(user, unit, year), key=lambda p: (order[p.kind], p.holder.name, p.pk))
    totals = stats.read_one(unit, year)
    staff = (
        Membership.objects.filter(unit=unit, is_active=True, user__is_active=True)
        .exclude(role__in=(Role.STUDENT, Role.PARENT))
        .select_related("user")
        .order_by("user__name")
    )
    people = list({m.user_id: m.user for m in staff}.values())
    countersign = {
        p.current_signature_id
        for p in posts
        if p.current_signature_id
        and p.kind == PostKind.PRINCIPAL
        and services.may_countersign(user, p.current_signature)
    }
    return render(
        request,
        "responsibility/school.html",
        {
            "unit": unit,
            "year": year,
            "posts": posts,
            "totals": totals,
            "can_manage": services.may_manage_posts(user, unit),
            "people": people,
            "kinds": PostKind.choices,
            "countersign": countersign,
            "can_texts": services.may_write_texts(user, unit),
            "breadcrumbs": _crumbs({"label": unit.name}),
        },
    )


def _back_to_school(unit: Any, year: int) -> HttpResponse:
    return redirect(f"{reverse('responsibility:school')}?{urlencode({'unit': unit.code, 'year': year})}")


@login_required
@require_POST
def sync(request: HttpRequest) -> HttpResponse:
    unit, year = _school(request), _year(request)
    try:
        result = services.sync_posts(unit, year, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("Posts brought up to date: %(created)s added, %(closed)s closed.") % result
        )
    return _back_to_school(unit, year)


@login_required
@require_POST
def add_post(request: HttpRequest) -> HttpResponse:
    unit, year = _school(request), _year(request)
    try:
        services.add_post(
            unit,
            actor=request.user,
            kind=request.POST.get("kind"),
            holder=request.POST.get("holder"),
            year=year,
            note=request.POST.get("note"),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Post added."))
    return _back_to_school(unit, year)


def _visible_post(request: HttpRequest, letter_post_id: int) -> Post:
    post = (
        Post.objects.visible_to(request.user, Perm.VIEW_DUTIES)
        .filter(pk=id_param(letter_post_id), active=True)
        .select_related("unit")
        .first()
    )
    if post is None or not access.holds_at(request.user, Perm.VIEW_DUTIES, post.unit):
        raise Http404
    return post


@login_required
@require_POST
def post_action(request: HttpRequest, letter_post_id: int) -> HttpResponse:
    post = _visible_post(request, letter_post_id)
    try:
        if request.POST.get("action") == "close":
            services.close_post(post, actor=request.user)
            messages.success(request, _("Post closed."))
        else:
            services.change_holder(post, actor=request.user, holder=request.POST.get("holder"))
            messages.success(request, _("The post changed hands: the new holder's signature is due."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    except PermissionDenied:
        raise Http404 from None
    return _back_to_school(post.unit, post.school_year)


@login_required
@require_POST
def countersign(request: HttpRequest, signature_id: int) -> HttpResponse:
    sig = queries.visible_signature(request.user, signature_id)
    if not access.holds_at(request.user, Perm.VIEW_DUTIES, sig.unit):
        raise Http404
    try:
        services.countersign(sig, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    except PermissionDenied:
        messages.error(
            request, _("Only the county (a bureau above the school) countersigns the principal's letter.")
        )
    else:
        messages.success(request, _("Letter countersigned."))
    if request.POST.get("next") == "stats":
        return redirect(f"{reverse('responsibility:stats')}#to-countersign")
    return _back_to_school(sig.unit, sig.post.school_year)


def _text_unit(request: HttpRequest) -> Any:
    code = request.GET.get("unit") or request.POST.get("unit")
    user = request.user
    if code:
        unit = unit_for(user, Perm.MANAGE_DUTIES, code=code)
    else:
        units = access.member_units(user, Perm.MANAGE_DUTIES)
        if not units:
            raise Http404
        unit = min(units, key=lambda u: (u.depth, u.path))
    if not services.may_write_texts(user, unit):
        raise Http404
    return unit


@login_required
def texts(request: HttpRequest) -> HttpResponse:
    unit = _text_unit(request)
    kind = request.GET.get("kind") if request.GET.get("kind") in PostKind.values else PostKind.PRINCIPAL
    versions = list(queries.texts_of(unit))
    own = next((t for t in versions if t.kind == kind), None)
    start = own or applicable(unit, kind)  # a new text starts from what applies now
    return render(
        request,
        "responsibility/texts.html",
        {
            "unit": unit,
            "kind": kind,
            "kinds": PostKind.choices,
            "versions": versions,
            "start": LetterText.objects.filter(pk=start.pk).first() if start else None,
            "has_own": own is not None,
            "breadcrumbs": _crumbs({"label": _("Letter texts")}),
        },
    )


@login_required
@require_POST
def text_new(request: HttpRequest) -> HttpResponse:
    unit = _text_unit(request)
    kind = request.POST.get("kind")
    back = f"{reverse('responsibility:texts')}?{urlencode({'unit': unit.code, 'kind': kind or ''})}"
    try:
        services.write_text(
            unit,
            actor=request.user,
            kind=kind,
            title=request.POST.get("title"),
            body=request.POST.get("body"),
            publish=request.POST.get("publish") == "1",
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("New version saved."))
    return redirect(back)


@login_required
def stats_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    code = request.GET.get("unit")
    if code:
        unit = unit_for(user, Perm.VIEW_DUTIES, code=code)
    else:
        unit = access.home_unit(user, Perm.VIEW_DUTIES, highest=True)
        if unit is None:
            raise Http404
    if not unit.is_bureau:
        return redirect(f"{reverse('responsibility:school')}?{urlencode({'unit': unit.code})}")
    year = _year(request)
    children = child_units(unit)
    figures = stats.read(children, year)
    rows = [(c, figures[c.pk]) for c in children]
    return render(
        request,
        "responsibility/stats.html",
        {
            "unit": unit,
            "year": year,
            "totals": stats.read_one(unit, year),
            "rows": rows,
            "countersign": list(queries.to_countersign(user, unit)[:50]),
            "breadcrumbs": _crumbs({"label": unit.name}),
        },
    )


@login_required
@require_POST
def text_publish(request: HttpRequest, letter_text_id: int) -> HttpResponse:
    text = (
        LetterText.objects.visible_to(request.user, Perm.VIEW_DUTIES)
        .filter(pk=id_param(letter_text_id))
        .select_related("unit")
        .first()
    )
    if text is None or not services.may_write_texts(request.user, text.unit):
        raise Http404
    try:
        services.publish_text(text, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Version published: the holders of these posts sign it."))
    query = urlencode({"unit": text.unit.code, "kind": text.kind})
    return redirect(f"{reverse('responsibility:texts')}?{query}")
