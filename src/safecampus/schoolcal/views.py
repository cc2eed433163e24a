"""校历 pages: the calendar of a school or a region (term, holidays, make-up days, slots, a month
grid), editing a calendar year (bureau admins for their region, a school's managers for its own)
and a school's time slots. The place is `?unit=CODE` (404 alike for missing and forbidden)."""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from safecampus.core import access
from safecampus.core.errors import DomainError, InvalidFields
from safecampus.core.models import Unit, UnitKind
from safecampus.core.places import unit_for
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at

from . import services
from .calendar import STANDARD_SLOTS, SchoolCalendar, academic_year, calendar_for, policy_slots
from .forms import CalendarNoteForm, HolidayFormSet, MakeupFormSet, SlotFormSet, TermFormSet, rows_of
from .models import Calendar


def _unit(request: HttpRequest, perm: str) -> Unit:
    code = request.GET.get("unit")
    if code:
        return unit_for(request.user, perm, code=code)
    unit = access.home_unit(request.user, perm)
    if unit is None:
        raise Http404
    return unit


def _link(name: str, unit: Unit, **params: Any) -> str:
    return f"{reverse(name)}?{urlencode({'unit': unit.code, **params})}"


def _crumbs(unit: Unit, *extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"label": _("School calendar"), "url": _link("schoolcal:home", unit)}, *extra]


def may_manage(user: Any, unit: Unit) -> bool:
    return unit.kind in services.CALENDAR_KINDS and has_perm_at(user, Perm.MANAGE_CALENDAR, unit)


def _month(value: str | None, today: dt.date) -> dt.date | None:
    if not value:
        return today.replace(day=1)
    try:
        if len(value) != 7:
            raise ValueError
        first = dt.date.fromisoformat(f"{value}-01")
    except ValueError:
        return None
    return first if 2000 <= first.year <= 2099 else None


def month_grid(cal: SchoolCalendar, first: dt.date, today: dt.date) -> list[list[dict[str, Any]]]:
    """Weeks (Monday first) of the month of `first`, each day with what the calendar says."""
    weeks = []
    for week in pycal.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        row = []
        for d in week:
            holiday = next((h for h in cal.holidays(d, d)), None)
            row.append({
                "date": d, "in_month": d.month == first.month, "school_day": cal.is_school_day(d),
                "holiday": holiday.name if holiday else "", "makeup": cal.is_makeup_day(d),
                "weekend": d.weekday() >= 5, "today": d == today,
            })  # fmt: skip
        weeks.append(row)
    return weeks


def _source_label(cal: SchoolCalendar, year: int) -> str:
    found = cal.years.get(year)
    if found is None:
        return _("No calendar for this academic year")
    if found.source == "own":
        return _("Own calendar of %(unit)s") % {"unit": cal.unit.name}
    if found.source == "region":
        return _("Inherited from %(unit)s") % {"unit": found.source_unit.name}
    return _("Policy default")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = _unit(request, Perm.VIEW_UNITS)
    today = timezone.localdate()
    first = _month(request.GET.get("month"), today)
    status = 200
    if first is None:
        messages.error(request, _("Choose a month as YYYY-MM."))
        first, status = today.replace(day=1), 400
    cal = calendar_for(unit)
    year = academic_year(first)
    data = cal.years.get(year)
    last = first.replace(day=pycal.monthrange(first.year, first.month)[1])
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = last + dt.timedelta(days=1)
    context = {
        "unit": unit,
        "cal": cal,
        "year": year,
        "year_label": f"{year}–{year + 1}",
        "source": _source_label(cal, year),
        "term": cal.term_for(today),
        "today": today,
        "is_school_day": cal.is_school_day(today),
        "terms": data.terms if data else [],
        "holidays": data.holidays if data else [],
        "makeup_days": data.makeup_days if data else [],
        "slots": cal.slots(),
        "is_school": unit.kind == UnitKind.SCHOOL,
        "month": first,
        "weeks": month_grid(cal, first, today),
        "month_school_days": len(cal.school_days(first, last)),
        "prev_url": _link("schoolcal:home", unit, month=prev_month.strftime("%Y-%m")),
        "next_url": _link("schoolcal:home", unit, month=next_month.strftime("%Y-%m")),
        "can_manage": may_manage(request.user, unit),
        "edit_url": _link("schoolcal:edit", unit, year=year),
        "slots_url": _link("schoolcal:slots", unit),
        "breadcrumbs": [{"label": _("School calendar")}],
    }
    return render(request, "schoolcal/home.html", context, status=status)


def _year(value: str | None, today: dt.date) -> int | None:
    if not value:
        return academic_year(today)
    return int(value) if value.isascii() and value.isdigit() and 2000 <= int(value) <= 2099 else None


def _initial(cal: SchoolCalendar, year: int) -> tuple[list, list, list]:
    data = cal.years.get(year)
    if data is None:
        return [], [], []
    return (
        [{"name": t.name, "start": t.start, "end": t.end} for t in data.terms],
        [{"name": h.name, "start": h.start, "end": h.end} for h in data.holidays],
        [{"date": d} for d in data.makeup_days],
    )


@login_required
def edit(request: HttpRequest) -> HttpResponse:
    """A calendar year of a region (bureau) or a school's own, prefilled with what applies now."""
    unit = _unit(request, Perm.MANAGE_CALENDAR)
    if unit.kind not in services.CALENDAR_KINDS:
        raise Http404
    year = _year(request.GET.get("year"), timezone.localdate())
    if year is None:
        messages.error(request, _("Choose an academic year from 2000 to 2099."))
        return redirect(_link("schoolcal:home", unit))
    cal = calendar_for(unit)
    own = Calendar.objects.filter(unit=unit, year=year).first()
    back = _link("schoolcal:home", unit, month=f"{year}-09")
    if request.method == "POST" and request.POST.get("remove"):
        if services.remove_calendar(unit, year, actor=request.user):
            messages.success(request, _("The own calendar was removed: %(unit)s follows its region again.")
                             % {"unit": unit.name})  # fmt: skip
        return redirect(back)
    terms0, holidays0, makeup0 = _initial(cal, year)
    data = request.POST if request.method == "POST" else None
    note = CalendarNoteForm(data, initial={"note": own.note if own else ""})
    terms = TermFormSet(data, initial=terms0, prefix="terms")
    holidays = HolidayFormSet(data, initial=holidays0, prefix="holidays")
    makeup = MakeupFormSet(data, initial=makeup0, prefix="makeup")
    errors: dict[str, str] = {}
    if data is not None:
        if all([note.is_valid(), terms.is_valid(), holidays.is_valid(), makeup.is_valid()]):
            try:
                services.save_calendar(
                    unit, year, actor=request.user, terms=rows_of(terms), holidays=rows_of(holidays),
                    makeup_days=rows_of(makeup), note=note.cleaned_data["note"],
                )  # fmt: skip
            except InvalidFields as exc:
                errors = exc.errors
            except DomainError as exc:
                errors = {exc.field or "terms": str(exc.message)}
            else:
                messages.success(request, _("The school calendar %(year)s–%(next)s was saved.")
                                 % {"year": year, "next": year + 1})  # fmt: skip
                return redirect(back)
        else:
            errors.setdefault("form", _("Please correct the rows marked below."))
    title = _("Edit the school calendar %(year)s–%(next)s") % {"year": year, "next": year + 1}
    return render(request, "schoolcal/edit.html", {
        "unit": unit, "year": year, "title": title, "own": own, "source": _source_label(cal, year),
        "is_school": unit.kind == UnitKind.SCHOOL, "note": note, "terms": terms, "holidays": holidays,
        "makeup": makeup, "errors": errors, "back": back,
        "breadcrumbs": _crumbs(unit, {"label": title}),
    }, status=400 if data is not None else 200)  # fmt: skip


def _with_codes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A new slot of the school's own named without a code gets the next free `own<N>`."""
    taken = {r["code"] for r in rows if r.get("code")}
    n = 1
    for row in rows:
        if not row.get("code"):
            while f"own{n}" in taken:
                n += 1
            row["code"] = f"own{n}"
            taken.add(row["code"])
    return rows


@login_required
def slots(request: HttpRequest) -> HttpResponse:
    """A school's time slots: the standard ones (time, name, in use) and its own."""
    school = _unit(request, Perm.MANAGE_CALENDAR)
    if school.kind != UnitKind.SCHOOL:
        raise Http404
    cal = calendar_for(school)
    defaults = {s.code: s for s in policy_slots(school)}
    standard = [c for c in STANDARD_SLOTS if c in defaults or cal.has_slot(c)]
    initial = []
    for code in standard:
        slot = cal.slot(code)
        base = slot or defaults.get(code)
        initial.append({"code": code, "name": slot.custom_name if slot else "",
                        "time": base.time if base else None, "active": slot is not None})  # fmt: skip
    for slot in cal.slots():
        if slot.code not in STANDARD_SLOTS:
            initial.append({"code": slot.code, "name": slot.custom_name, "time": slot.time, "active": True})
    names = [str(STANDARD_SLOTS[c]) for c in standard]
    data = request.POST if request.method == "POST" else None
    formset = SlotFormSet(data, initial=initial, prefix="slots", standard_names=names)
    error = ""
    if data is not None:
        if formset.is_valid():
            rows = _with_codes([r for r in rows_of(formset) if r.get("code") or r.get("name")])
            try:
                services.save_slots(school, rows, actor=request.user)
            except DomainError as exc:
                error = str(exc.message)
            else:
                messages.success(request, _("The time slots were saved."))
                return redirect(_link("schoolcal:home", school))
        else:
            error = _("Please correct the rows marked below.")
    title = _("Time slots")
    return render(request, "schoolcal/slots.html", {
        "unit": school, "formset": formset, "error": error, "title": title,
        "back": _link("schoolcal:home", school), "breadcrumbs": _crumbs(school, {"label": title}),
    }, status=400 if data is not None else 200)  # fmt: skip
