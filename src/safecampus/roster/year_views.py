"""School-year pages: term promotion (preview + confirm) and transfers between schools."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core.access import holds_anywhere, member_units
from safecampus.core.audit import timeline_for
from safecampus.core.errors import DomainError, Invalid
from safecampus.core.models import Unit, UnitKind
from safecampus.core.roles import Perm
from safecampus.core.scoping import get_visible_or_404, has_perm_at
from safecampus.core.ui import run_service, unit_breadcrumbs

from . import transfers
from .importing import current_school_year
from .models import Promotion, SchoolClass, TransferRequest, TransferStatus
from .promotion import preview_promotion, promote, school_years
from .year_forms import DecisionForm, TransferFilterForm, TransferRequestForm

# ---------------------------------------------------------------------------------------
# Term promotion
# ---------------------------------------------------------------------------------------


def _school_for(request: HttpRequest, unit_id: int) -> Unit:
    school = get_visible_or_404(Unit, request.user, pk=unit_id)
    if school.kind != UnitKind.SCHOOL:
        raise Http404
    if not has_perm_at(request.user, Perm.MANAGE_USERS, school):
        raise PermissionDenied
    return school


def _year_to_promote(school: Unit, years: list[int], asked: str | None) -> int:
    """The year asked for; else the newest year up to now that is not promoted yet."""
    if asked and asked.isdigit() and int(asked) in years:
        return int(asked)
    if not years:
        return current_school_year()
    done = set(Promotion.objects.filter(unit=school).values_list("from_year", flat=True))
    open_years = [y for y in years if y <= current_school_year() and y not in done]
    return max(open_years) if open_years else years[0]


@login_required
def promotion(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = request.user
    school = _school_for(request, unit_id)
    years = school_years(school)
    url = reverse("roster_year:promotion", args=[school.pk])
    if request.method == "POST":  # exactly the year that was reviewed, never a default
        year = request.POST.get("year", "")
        if not year.isdigit() or len(year) != 4:
            messages.error(request, _("Please review the promotion of a school year first."))
            return redirect(url)
        year = int(year)
        try:
            promote(school, year, actor=user, reviewed=request.POST.get("reviewed", ""))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("The school year %(from)s–%(to)s has been promoted.") % {"from": year, "to": year + 1},
            )
        return redirect(f"{url}?year={year}")
    year = _year_to_promote(school, years, request.GET.get("year"))
    preview, problem = None, ""
    try:
        preview = preview_promotion(school, year)
    except DomainError as exc:
        problem = str(exc.message)
    crumbs = unit_breadcrumbs(user, school, {"label": _("Term promotion")})
    context = {"school": school, "years": years, "year": year, "preview": preview, "problem": problem}
    return render(request, "roster/promotion.html", {**context, "breadcrumbs": crumbs})


# ---------------------------------------------------------------------------------------
# Transfers
# ---------------------------------------------------------------------------------------


def _require_transfer_reader(user: Any) -> None:
    if not holds_anywhere(user, Perm.VIEW_USERS):
        raise PermissionDenied


def _managed_schools(user: Any) -> list[Unit]:
    """Schools the user manages as the school (for requests and the promotion link)."""
    return member_units(user, Perm.MANAGE_USERS, bureau=False)


def _transfers_crumbs(*extra: dict) -> list[dict]:
    return [{"label": _("Transfers"), "url": reverse("roster_year:transfer_list")}, *extra]


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_transfer_reader(user)
    form = TransferFilterForm(request.GET or None)
    items = TransferRequest.objects.visible_to(user).select_related(
        "student", "unit", "to_school", "from_class__grade", "target_class__grade", "requested_by_school"
    )
    status = ""
    if form.is_valid():
        status = form.cleaned_data["status"] if form.cleaned_data["status"] in TransferStatus.values else ""
        if status:
            items = items.filter(status=status)
        if form.cleaned_data["q"]:
            items = items.filter(student__name__icontains=form.cleaned_data["q"].strip())
    page = Paginator(items.order_by("-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    schools = _managed_schools(user)
    context = {
        "page": page,
        "query": query.urlencode(),
        "status": status,
        "q": form.cleaned_data.get("q", "") if form.is_valid() else "",
        "statuses": TransferStatus.choices,
        "can_request": bool(schools) or user.is_superuser,
        "promotion_school": schools[0] if schools else None,
        "breadcrumbs": [{"label": _("Transfers")}],
    }
    return render(request, "roster/transfer_list.html", context)


def _school_by_code(code: str) -> Unit | None:
    """School codes are public identifiers (they are on the transfer papers)."""
    return Unit.objects.filter(code=code.strip().lower(), kind=UnitKind.SCHOOL).first()


@login_required
def transfer_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    schools = _managed_schools(user)
    if not schools and not user.is_superuser:
        raise PermissionDenied
    initial = {"from_school": schools[0].code} if schools else {}
    form = TransferRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        from_school, to_school = _school_by_code(data["from_school"]), _school_by_code(data["to_school"])
        if from_school is None:
            form.add_error("from_school", _("No school has this code."))
        if to_school is None:
            form.add_error("to_school", _("No school has this code."))
        if from_school and to_school:
            tr = run_service(
                form,
                lambda: transfers.request_transfer_for(
                    actor=user,
                    from_school=from_school,
                    to_school=to_school,
                    name=data["name"],
                    number=data["number"],
                    reason=data["reason"],
                ),
            )
            if tr is not None:
                messages.success(request, _("Transfer requested; the bureau over both schools decides."))
                return redirect("roster_year:transfer_detail", transfer_id=tr.pk)
    nearby = []
    if schools:
        county = schools[0].get_parent()
        nearby = Unit.objects.filter(path__startswith=county.path, kind=UnitKind.SCHOOL, is_active=True)
    context = {
        "form": form,
        "nearby": nearby,
        "breadcrumbs": _transfers_crumbs({"label": _("New transfer request")}),
    }
    return render(request, "roster/transfer_form.html", context)


def _transfer_for(request: HttpRequest, transfer_id: int) -> TransferRequest:
    return get_visible_or_404(
        TransferRequest.objects.select_related(
            "student__school_class__grade",
            "unit",
            "to_school",
            "from_class__grade",
            "target_class__grade",
            "requested_by_school",
            "requested_by",
            "decided_by",
        ),
        request.user,
        pk=transfer_id,
    )


def _target_classes(tr: TransferRequest) -> list[SchoolClass]:
    """Classes the student may join: of the receiving school, not of a year they have left."""
    current = tr.student.school_class
    year = current.grade.school_year if current else 0
    return list(
        SchoolClass.objects.filter(unit=tr.to_school, grade__school_year__gte=year)
        .select_related("grade")
        .order_by("grade__school_year", "grade__level", "number")
    )


@login_required
def transfer_detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    user = request.user
    tr = _transfer_for(request, transfer_id)
    can = {action: transfers.may(user, action, tr) for action in transfers.TRANSITIONS}
    can["choose"] = transfers.can_choose_class(user, tr)
    context = {
        "tr": tr,
        "can": can,
        "classes": _target_classes(tr) if can["choose"] or can["accept"] else [],
        "timeline": timeline_for(tr, user)[:30],
        "breadcrumbs": _transfers_crumbs({"label": tr.student.name}),
    }
    return render(request, "roster/transfer_detail.html", context)


def _decide(request: HttpRequest, transfer_id: int, act) -> HttpResponse:
    """Run one decision from a POST form; domain errors become messages on the detail page."""
    tr = _transfer_for(request, transfer_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check the form."))
        return redirect("roster_year:transfer_detail", transfer_id=tr.pk)
    data = form.cleaned_data
    klass = None
    if data["target_class"]:
        klass = (
            SchoolClass.objects.filter(pk=data["target_class"], unit=tr.to_school)
            .select_related("grade")
            .first()
        )
        if klass is None:
            messages.error(request, _("Choose a class of the receiving school."))
            return redirect("roster_year:transfer_detail", transfer_id=tr.pk)
    try:
        done = act(tr, klass, data["note"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect("roster_year:transfer_detail", transfer_id=tr.pk)


@login_required
@require_POST
def transfer_accept(request: HttpRequest, transfer_id: int) -> HttpResponse:
    def act(tr, klass, note):
        transfers.accept_transfer(tr, actor=request.user, target_class=klass, note=note)
        return _("Transfer accepted: the student now belongs to %(school)s.") % {"school": tr.to_school.name}

    return _decide(request, transfer_id, act)


@login_required
@require_POST
def transfer_reject(request: HttpRequest, transfer_id: int) -> HttpResponse:
    def act(tr, _klass, note):
        transfers.reject_transfer(tr, actor=request.user, note=note)
        return _("Transfer rejected.")

    return _decide(request, transfer_id, act)


@login_required
@require_POST
def transfer_cancel(request: HttpRequest, transfer_id: int) -> HttpResponse:
    def act(tr, _klass, _note):
        transfers.cancel_transfer(tr, actor=request.user)
        return _("Transfer request cancelled.")

    return _decide(request, transfer_id, act)


@login_required
@require_POST
def transfer_choose_class(request: HttpRequest, transfer_id: int) -> HttpResponse:
    def act(tr, klass, _note):
        if klass is None:
            raise Invalid(_("Choose a class of the receiving school."))
        transfers.choose_target_class(tr, klass, actor=request.user)
        return _("Class chosen.")

    return _decide(request, transfer_id, act)
