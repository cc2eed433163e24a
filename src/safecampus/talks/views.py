"""1530 pages: the head teacher's phone page (今天的1530), a class's register per month (and its
PDF, laid out as the paper 1530记录簿), and the statistics with drill-down (province → class)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from calendar import monthrange
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from safecampus.core import months
from safecampus.core.access import holds_anywhere, teaching
from safecampus.core.errors import DomainError, Invalid
from safecampus.core.files.serve import serve_file
from safecampus.core.models import Unit
from safecampus.core.pdf import pdf_response, render_pdf
from safecampus.core.places import can_view_unit, default_place, place_for
from safecampus.core.roles import Perm

from . import queries, services, stats
from .models import Kind

RECENT_DAYS = 14


def _month(request: HttpRequest) -> tuple[int, dt.date, dt.date]:
    try:
        month = months.parse(request.GET.get("month"), "month") or months.this_month()
        services.sane_date(dt.date(month // 100, month % 100, 1), "month")
    except Invalid as exc:
        messages.warning(request, str(exc.message))
        month = months.this_month()
    first = dt.date(month // 100, month % 100, 1)
    return month, first, first.replace(day=monthrange(first.year, first.month)[1])


@login_required
def today_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    day = timezone.localdate()
    errors: dict[str, str] = {}
    posted: dict[str, Any] = {}
    if request.method == "POST":
        posted = request.POST.dict()
        try:
            talk, _created = services.record(
                user,
                class_id=posted.get("class_id"),
                date=posted.get("date") or day.isoformat(),
                kind=posted.get("kind"),
                topic=posted.get("topic"),
                minutes=posted.get("minutes"),
                note=posted.get("note"),
                client_id=posted.get("client_id"),
                photo=request.FILES.get("photo"),
            )
        except DomainError as exc:
            errors[exc.field or "__all__"] = str(exc.message)
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The 1530 talk of %(c)s is recorded.") % {"c": talk.school_class})
            return redirect("talks:today")
    classes = queries.recordable_classes(user, day)
    if (
        not classes
        and not holds_anywhere(user, Perm.VIEW_DUTIES)
        and not holds_anywhere(user, Perm.RECORD_TALKS)
    ):
        raise Http404
    dues = queries.due_for(classes, day)
    taught = [k for k in classes if teaching().teaches(user, k)]
    missed = []
    for k in taught:
        for d in queries.missed_days(k, day - dt.timedelta(days=RECENT_DAYS), day - dt.timedelta(days=1)):
            missed.append({"school_class": k, "date": d})
    missed.sort(key=lambda m: m["date"], reverse=True)
    taught_ids = {k.pk for k in taught}
    cards = []
    for d in dues:
        mine = str(d.school_class.pk) == posted.get("class_id")
        cards.append({
            "covered": d.school_class.pk not in taught_ids,
            "due": d,
            "client_id": posted.get("client_id") if mine and errors else str(uuid.uuid4()),
            "topic": posted.get("topic") if mine and errors else d.suggested_topic,
            "minutes": posted.get("minutes") if mine and errors else d.minutes,
            "note": posted.get("note", "") if mine and errors else "",
            "errors": errors if mine else {},
            "kind_label": Kind(d.kind).label,
        })  # fmt: skip
    school = default_place_or_none(user)
    covered = [c for c in cards if c["covered"]]
    return render(request, "talks/today.html", {
        "day": day, "cards": cards, "classes": classes, "missed": missed, "school": school,
        "covered_count": len(covered),
        "open_covered": not taught_ids or any(c["errors"] for c in covered),
        "no_talk_today": bool(classes) and not dues,
        "breadcrumbs": [{"label": _("1530 safety talks")}],
    })  # fmt: skip


@login_required
@require_POST
def record_json(request: HttpRequest) -> HttpResponse:
    """A talk the phone page kept while offline, sent as JSON once the network is back (the
    signed-in session, CSRF-checked): 201, 200 for a record already made with that client id,
    400 `{detail, field}` as the API answers."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return JsonResponse({"detail": _("The request is not valid JSON."), "field": None}, status=400)
    fields = ("class_id", "date", "kind", "topic", "minutes", "note", "client_id")
    try:
        talk, created = services.record(request.user, **{k: body.get(k) for k in fields})
    except DomainError as exc:
        return JsonResponse({"detail": str(exc.message), "field": exc.field}, status=exc.status)
    return JsonResponse(
        {"id": talk.pk, "class_id": talk.school_class_id, "date": talk.date.isoformat()},
        status=201 if created else 200,
    )


def default_place_or_none(user: Any) -> Unit | None:
    try:
        return default_place(user, Perm.VIEW_DUTIES).unit
    except Exception:
        return None


def short_kinds() -> dict[str, str]:
    """The kinds as a register's column shows them."""
    return {
        Kind.DAILY: pgettext("1530 talk kind", "Daily"),
        Kind.WEEKEND: pgettext("1530 talk kind", "Before the weekend"),
        Kind.HOLIDAY: pgettext("1530 talk kind", "Before the holiday"),
    }


def _register_context(request: HttpRequest, class_id: int) -> dict[str, Any]:
    user = request.user
    klass = queries.readable_class(user, class_id)
    month, first, last = _month(request)
    days = queries.register_days(klass, first, last)
    done = sum(1 for r in days if r.talk is not None)
    due_so_far = sum(1 for r in days if r.talk is not None or r.missed)
    return {
        "klass": klass, "unit": klass.unit, "month": months.label(month), "days": days,
        "done": done, "missed": sum(1 for r in days if r.missed), "due_so_far": due_so_far,
        "head_teacher": klass.head_teacher, "kinds": short_kinds(),
        "prev": months.label(months.month_key(first - dt.timedelta(days=1))),
        "next": months.label(months.month_key(last + dt.timedelta(days=1))),
        "printed": timezone.localdate(),
    }  # fmt: skip


@login_required
def register(request: HttpRequest, class_id: int) -> HttpResponse:
    context = _register_context(request, class_id)
    context["breadcrumbs"] = [{"label": _("1530 safety talks"), "url": reverse("talks:today")},
                              {"label": str(context["klass"])}]  # fmt: skip
    return render(request, "talks/register.html", context)


@login_required
def register_pdf(request: HttpRequest, class_id: int) -> HttpResponse:
    context = _register_context(request, class_id)
    data = render_pdf("talks/register_pdf.html", context)
    return pdf_response(data, f"1530-{context['klass'].pk}-{context['month']}.pdf", private=True)


@login_required
def photo(request: HttpRequest, talk_id: int) -> HttpResponse:
    """A talk's photo, for those who read the talk (404 alike for missing and not yours)."""
    talk = queries.talks_visible(request.user).filter(pk=talk_id).first()
    if talk is None or not talk.photo:
        raise Http404
    name = talk.photo.name
    png = name.endswith(".png")
    return serve_file(
        request,
        talk.photo,
        content_type="image/png" if png else "image/jpeg",
        filename=f"talk-{talk.pk}.{'png' if png else 'jpg'}",
        etag=f"talk-photo-{talk.pk}-{name.rsplit('/', 1)[-1]}",
    )


@login_required
def stats_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    code = (request.GET.get("unit") or "").strip()[:64]
    place = place_for(user, code, perm=Perm.VIEW_DUTIES) if code else default_place(user, Perm.VIEW_DUTIES)
    unit = place.unit
    try:
        start, end = stats.window(request.GET.get("from"), request.GET.get("to"))
    except Invalid as exc:
        messages.warning(request, str(exc.message))
        start = end = None
    if start is None and end is None:
        start = end = months.this_month()
    children = stats.children_of(unit)
    grades = {c.school_class.grade_id: c.school_class.grade for c in children if c.school_class is not None}
    grade_keys = {g: (unit.pk, g, 0) for g in grades}  # a school's classes come with their grade's totals
    keys = [(unit.pk, 0, 0), *grade_keys.values(), *(c.key for c in children)]
    paths = {unit.pk: unit.path, **{c.unit.pk: c.unit.path for c in children}}
    figures = stats.read(keys, paths, start, end)
    url = reverse("talks:stats")
    window = {"from": months.label(start) if start else "", "to": months.label(end) if end else ""}
    rows = []
    for c in children:
        grade_id = c.school_class.grade_id if c.school_class is not None else None
        if grade_id in grade_keys:
            rows.append(
                {"name": str(grades[grade_id]), "t": figures[grade_keys.pop(grade_id)], "grade": True}
            )
        if c.school_class is not None:
            link = (
                reverse("talks:register", args=[c.school_class.pk]) + "?" + urlencode({"month": window["to"]})
            )
        else:
            link = f"{url}?{urlencode({'unit': c.unit.code, **window})}"
        rows.append({"name": c.name, "t": figures[c.key], "url": link})
    crumbs = []
    for u in [*unit.get_ancestors(), unit]:
        ok = can_view_unit(user, u, Perm.VIEW_DUTIES)
        crumbs.append(
            {"label": u.name, "url": f"{url}?{urlencode({'unit': u.code, **window})}" if ok else None}
        )
    return render(request, "talks/stats.html", {
        "unit": unit, "totals": figures[(unit.pk, 0, 0)], "rows": rows, "window": window,
        "school": not unit.is_bureau, "today": timezone.localdate(),
        "breadcrumbs": [*crumbs, {"label": _("1530 statistics")}],
    })  # fmt: skip
