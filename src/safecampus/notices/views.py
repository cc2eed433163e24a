"""Notice pages (phone first): the inbox (a parent sees one card per child needing a receipt), the
notice page (opening it marks it read; confirm, or sign the receipt per child on a canvas), the
compose page with its audience pickers, drafts, publishing and withdrawing, and a school's answers
to a bureau (acknowledge, forward, report). Reading goes through `notices.queries`; views parse
input and call the services. The sender's board and the head teacher's class list are in
`notices.board_views`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core import audit
from safecampus.core.errors import DomainError

from . import calendar, receipts, schools, services
from .forms import NoticeForm, apply_errors, initial_of
from .models import ConfirmMode, Notice, NoticeStatus
from .queries import class_notices, get_notice_for, inbox, sent_by

BADGE = {"notice": "primary", "warning": "danger", "parent_letter": "success"}


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    items = inbox(user)
    cards = []
    for item in items:
        if item.notice.confirm == ConfirmMode.RECEIPT and item.child_slots:
            for slot in item.child_slots:  # one card per child needing a receipt
                cards.append({"item": item, "slot": slot, "done": item.confirmed_at(slot) is not None})
        else:
            done = (
                item.read_at is not None if item.notice.confirm == ConfirmMode.READ else not item.to_confirm
            )
            cards.append({"item": item, "slot": None, "done": done})
    senders = services.sender_units(user)
    context = {
        "cards": cards,
        "unread": sum(1 for i in items if i.unread),
        "can_send": bool(senders),
        "sees_sent": senders or sent_by(user).exists(),
        "class_notices": class_notices(user)[:20],
        "proposals": calendar.proposals_for(user) if senders else [],
        "badge": BADGE,
    }
    return render(request, "notices/inbox.html", context)


@login_required
def detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = request.user
    notice, st = get_notice_for(user, notice_id)
    if st.item is not None and notice.status == NoticeStatus.PUBLISHED:
        receipts.mark_read(notice, user=user)  # opening the notice reads it
        _n, st = get_notice_for(user, notice_id)
    responses = {}
    for school in st.schools:
        row = next((r for r in schools.school_rows(notice, school) if r.unit.pk == school.pk), None)
        responses[school.pk] = row
    context: dict[str, Any] = {
        "n": notice,
        "st": st,
        "item": st.item,
        "badge": BADGE,
        "school_rows": [responses[s.pk] for s in st.schools if responses.get(s.pk)],
        "timeline": audit.timeline_for(notice, user) if st.sends else [],
        "can_edit": st.sends and notice.status == NoticeStatus.DRAFT,
        "can_publish": st.sends and notice.status == NoticeStatus.DRAFT,
        "can_withdraw": st.sends and notice.status != NoticeStatus.WITHDRAWN,
    }
    return render(request, "notices/detail.html", context)


def _back(notice: Notice) -> HttpResponse:
    return redirect("notices:detail", notice_id=notice.pk)


@login_required
@require_POST
def confirm(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = request.user
    notice, _st = get_notice_for(user, notice_id)
    data = {k: request.POST.get(k) for k in ("student_id", "answer", "signature")}
    try:
        receipts.confirm(notice, user=user, data=data)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if notice.confirm == ConfirmMode.RECEIPT and data.get("student_id"):
            messages.success(request, _("Receipt signed. Thank you."))
        else:
            messages.success(request, _("Confirmed. Thank you."))
    return _back(notice)


def _sender_or_404(user: Any, code: Any = None) -> Any:
    try:
        return services.sender_unit(user, code)
    except PermissionDenied:
        raise Http404 from None


@login_required
def compose(request: HttpRequest) -> HttpResponse:
    """A new notice; `?forward=ID` forwards a bureau's notice with the school's own lines."""
    user = request.user
    original, unit, initial = None, None, {}
    forward_id = request.GET.get("forward") or request.POST.get("forward")
    if forward_id:
        from safecampus.core.places import id_param

        original, st = get_notice_for(user, id_param(forward_id))
        if not original.require_forward or not st.schools:
            raise Http404
        unit = schools.school_of(st, request.GET.get("unit") or request.POST.get("unit") or st.schools[0].pk)
        initial = {**initial_of(original), "units": [], "classes": [], "grades": [], "school_types": []}
        initial.update(
            {"ack_hours": None, "require_forward": False, "require_report": False, "parents": True}
        )
    else:
        unit = _sender_or_404(user, request.GET.get("unit") or request.POST.get("unit"))
    if request.method == "POST":
        form = NoticeForm(request.POST, unit=unit, forwarding=original is not None)
        if form.is_valid():
            data = form.data_for_service()
            draft = "save_draft" in request.POST
            try:
                notice, _created = services.create_notice(
                    user, data, unit=unit, draft=draft, forwarded_from=original
                )
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Draft saved.") if draft else _("The notice is published."))
                return _back(notice)
    else:
        form = NoticeForm(initial=initial, unit=unit, forwarding=original is not None)
    context = {"form": form, "unit": unit, "original": original, "senders": services.sender_units(user)}
    return render(request, "notices/compose.html", context)


@login_required
def edit(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = request.user
    notice, st = get_notice_for(user, notice_id)
    if not st.sends or notice.status != NoticeStatus.DRAFT:
        raise Http404
    forwarding = notice.forwarded_from_id is not None
    if request.method == "POST":
        form = NoticeForm(request.POST, unit=notice.unit, forwarding=forwarding)
        if form.is_valid():
            try:
                notice = services.update_draft(notice, actor=user, data=form.data_for_service())
                if "publish" in request.POST:
                    notice = services.publish(notice, actor=user)
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The notice is published.") if "publish" in request.POST
                                 else _("Draft saved."))  # fmt: skip
                return _back(notice)
    else:
        form = NoticeForm(initial=initial_of(notice), unit=notice.unit, forwarding=forwarding)
    context = {"form": form, "unit": notice.unit, "notice": notice, "original": notice.forwarded_from}
    return render(request, "notices/compose.html", context)


def _act(request: HttpRequest, notice_id: int, fn: Any, done: str) -> HttpResponse:
    notice, st = get_notice_for(request.user, notice_id)
    if not st.sends:
        raise Http404
    try:
        fn(notice, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, done)
    return _back(notice)


@login_required
@require_POST
def publish(request: HttpRequest, notice_id: int) -> HttpResponse:
    return _act(request, notice_id, services.publish, _("The notice is published."))


@login_required
@require_POST
def withdraw(request: HttpRequest, notice_id: int) -> HttpResponse:
    return _act(request, notice_id, services.withdraw, _("The notice is withdrawn."))


def _school_act(request: HttpRequest, notice_id: int) -> tuple[Notice, Any]:
    notice, st = get_notice_for(request.user, notice_id)
    if not st.schools:
        raise Http404
    try:
        return notice, schools.school_of(
            st, request.POST.get("unit") or (st.schools[0].pk if len(st.schools) == 1 else None)
        )
    except PermissionDenied:
        raise Http404 from None


@login_required
@require_POST
def acknowledge(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice, school = _school_act(request, notice_id)
    try:
        schools.acknowledge(notice, school, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Acknowledged."))
    return _back(notice)


@login_required
@require_POST
def report(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice, school = _school_act(request, notice_id)
    try:
        schools.report(notice, school, actor=request.user, text=request.POST.get("report"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Report sent."))
    return _back(notice)


@login_required
def sent(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs = sent_by(user)
    if not services.sender_units(user) and not qs.exists():
        raise Http404
    rows = list(qs[:200])
    return render(
        request,
        "notices/sent.html",
        {"rows": rows, "badge": BADGE, "can_send": bool(services.sender_units(user))},
    )
