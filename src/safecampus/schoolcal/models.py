"""School calendar (校历) data: a unit's calendar for an academic year (terms, holidays, make-up
working days) and a school's own time slots.

A bureau (province, city, county) keeps its region's calendar; a school inherits, per academic
year, from the nearest unit up its chain that has one (itself first), else from the policy's
defaults (`calendar:` in core/policies/default.yaml). A school's slots start from the policy's
defaults; a `SchoolSlot` row changes one (time, name, off) or adds the school's own. Reading is
`schoolcal.calendar` (calendar_for / calendars_for); writing is `schoolcal.services`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from safecampus.core.access import Rule
from safecampus.core.scoping import ScopedModel


class Calendar(ScopedModel):
    """The calendar of a unit (a bureau's region, or a school's own) for one academic year,
    `year` being the calendar year the academic year starts in (2026 = 2026–2027)."""

    year = models.PositiveSmallIntegerField(_("academic year"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    access = Rule(perm=None)  # calendars are read by everyone in the subtree

    class Meta:
        verbose_name = _("school calendar")
        verbose_name_plural = _("school calendars")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="schoolcal_one_per_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}–{self.year + 1}"

    def audit_snapshot(self) -> dict:
        return {
            "year": self.year,
            "note": self.note,
            "terms": [f"{t.name} {t.start.isoformat()}–{t.end.isoformat()}" for t in self.terms.all()],
            "holidays": [f"{h.name} {h.start.isoformat()}–{h.end.isoformat()}" for h in self.holidays.all()],
            "makeup_days": [m.date.isoformat() for m in self.makeup_days.all()],
        }


class CalendarTerm(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(_("name"), max_length=60)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [models.CheckConstraint(condition=Q(start__lte=F("end")), name="schoolcal_term_dates")]

    def __str__(self) -> str:
        return self.name


class CalendarHoliday(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="holidays")
    name = models.CharField(_("name"), max_length=60)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="schoolcal_holiday_dates")
        ]

    def __str__(self) -> str:
        return self.name


class MakeupDay(models.Model):
    """A make-up working day (调休上班日): a school day although it is a weekend."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="makeup_days")
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=60, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("make-up working day")
        verbose_name_plural = _("make-up working days")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="schoolcal_one_makeup_a_day")
        ]

    def __str__(self) -> str:
        return self.date.isoformat()


class SchoolSlot(ScopedModel):
    """A school's change to a standard slot (its time, its name, turned off) or a slot of its own
    (a code not among the standard ones, with a name)."""

    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=40, blank=True)
    time = models.TimeField(_("time"))
    active = models.BooleanField(_("in use"), default=True)

    access = Rule(perm=None)

    class Meta:
        ordering = ["time", "code"]
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="schoolcal_one_slot_per_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.time:%H:%M}"
