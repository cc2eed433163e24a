"""The sender's board (reach with drill-down, the schools' answers) and the head teacher's class
list (families not confirmed, remind in one action), and the warning calendar's proposals.

The board shows counts and rates only — never a family's name, at any level; names are on the
class list, for the class's head teacher alone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core.errors import DomainError

from . import calendar, reach, schools, services
from . import families as fam
from .queries import get_notice_for


@login_required
def board(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice, st = get_notice_for(request.user, notice_id)
    if not st.reach_roots and not st.classes:
        raise Http404
    place = reach.place_of(
        notice, st, request.GET.get("unit"), request.GET.get("grade"), request.GET.get("class")
    )
    top, kids = (
        reach.reach_with_children(notice, place)
        if place.whole_unit
        else (reach.figures(notice, [place])[0], [])
    )
    crumbs = []
    if place.whole_unit:
        root = min(st.reach_roots, key=lambda u: u.depth) if st.reach_roots else place.unit
        for unit in [*place.unit.get_ancestors(), place.unit]:
            if unit.path.startswith(root.path):
                crumbs.append({"name": unit.name, "unit": unit.code})
        if place.grade is not None:
            crumbs.append({"name": str(place.grade), "unit": place.unit.code, "grade": place.grade.pk})
    context = {
        "n": notice,
        "place": place,
        "top": top,
        "kids": kids,
        "crumbs": crumbs,
        "school_rows": schools.school_rows(notice, place.unit)
        if place.whole_unit and place.grade is None
        else [],
        "my_classes": st.classes,
    }
    return render(request, "notices/board.html", context)


def _klass(request: HttpRequest, notice_id: int, class_id: int):
    notice, st = get_notice_for(request.user, notice_id)
    try:
        return notice, fam.class_for(st, class_id)
    except PermissionDenied:
        raise Http404 from None


@login_required
def class_list(request: HttpRequest, notice_id: int, class_id: int) -> HttpResponse:
    notice, klass = _klass(request, notice_id, class_id)
    rows = fam.families(notice, klass)
    waiting = [f for f in rows if not fam._done(notice, f)]
    figures = reach.figures(notice, [reach.Place(klass.unit, klass.grade, klass)])[0]
    context = {
        "n": notice,
        "klass": klass,
        "rows": rows,
        "waiting": waiting,
        "remindable": [f for f in waiting if not f.reminded_today],
        "figures": figures,
    }
    return render(request, "notices/class_list.html", context)


@login_required
@require_POST
def remind(request: HttpRequest, notice_id: int, class_id: int) -> HttpResponse:
    notice, klass = _klass(request, notice_id, class_id)
    try:
        sent = fam.remind(notice, klass, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if sent:
            messages.success(request, _("%(n)s families were reminded.") % {"n": sent})
        else:
            messages.info(request, _("Nobody to remind: every family waiting was reminded today."))
    return redirect("notices:class_list", notice_id=notice.pk, class_id=klass.pk)


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    units = services.sender_units(request.user)
    if not units:
        raise Http404
    rows = []
    for unit in units:
        open_keys = {p.key for p in calendar.proposals(unit)}
        for p in calendar.in_season(unit):
            rows.append({"p": p, "open": p.key in open_keys})
    entries = []
    for unit in units[:1]:
        from safecampus.core.policy import policy_for

        entries = policy_for(unit).get("notices", {}).get("calendar", [])
    texts = {k: str(v[0]) for k, v in calendar.TEXTS.items()}
    return render(request, "notices/calendar.html", {"rows": rows, "entries": entries, "texts": texts})


@login_required
@require_POST
def use_proposal(request: HttpRequest) -> HttpResponse:
    user = request.user
    code = request.POST.get("unit")
    try:
        unit = services.sender_unit(user, code)
    except PermissionDenied:
        raise Http404 from None
    proposal = calendar.find(unit, str(request.POST.get("key") or "")[:40])
    if proposal is None:
        messages.info(request, _("This draft was already made for this season."))
        return redirect("notices:calendar")
    try:
        notice, _created = services.create_notice(user, proposal.draft_data(), unit=unit, draft=True)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("notices:calendar")
    messages.success(request, _("A draft is ready: check the audience and the text, then publish."))
    return redirect("notices:edit", notice_id=notice.pk)
