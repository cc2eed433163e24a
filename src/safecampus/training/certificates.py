"""Certificates: one per learner and completed course, one per learner and year; PDF rendering.

A certificate's number (`SC-2026-000123`: the year, then the row's id) never changes; printing it
again gives the same number. A year certificate records the year's credited hours when issued;
asking for it again during that year brings the hours up to date (same number, audited). PDFs
come from an HTML template through WeasyPrint with the Noto CJK fonts installed on the machine
(named by font family; nothing is fetched from the network).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit, pdf
from safecampus.core.errors import Invalid
from safecampus.core.models import Unit

from .class_models import Certificate, CertificateKind
from .models import Course
from .progress_models import CourseProgress, LearnerClock, LearningDay

FIRST_YEAR = 2000


def _lock(user: Any) -> None:
    """Serialise a learner's certificate issuing (and learning) on their clock row."""
    LearnerClock.objects.get_or_create(learner=user)
    LearnerClock.objects.select_for_update().get(learner=user)


def _hours(seconds: float | None) -> float:
    return round((seconds or 0.0) / 3600, 2)


def _numbered(cert: Certificate) -> Certificate:
    cert.number = f"tmp-{uuid.uuid4().hex[:24]}"
    cert.save()
    cert.number = f"SC-{cert.year}-{cert.pk:06d}"
    cert.save(update_fields=["number"])
    return cert


def _snapshot(cert: Certificate) -> dict[str, Any]:
    return {
        "number": cert.number,
        "kind": cert.kind,
        "course": cert.course.title if cert.course_id else None,
        "year": cert.year,
        "hours": cert.hours,
    }


@transaction.atomic
def issue_course_certificate(user: Any, course_id: int) -> Certificate:
    """The learner's certificate for a course they completed (made on first request)."""
    _lock(user)
    progress = (
        CourseProgress.objects.visible_to(user)
        .filter(learner=user, course_id=course_id, completed_at__isnull=False)
        .select_related("course", "unit")
        .first()
    )
    if progress is None:
        raise Invalid(_("A certificate is issued once you have completed the course."), field="course")
    existing = Certificate.objects.filter(
        learner=user, kind=CertificateKind.COURSE, course=progress.course
    ).first()
    if existing is not None:
        return existing
    cert = Certificate(
        learner=user,
        kind=CertificateKind.COURSE,
        course=progress.course,
        year=timezone.localtime(progress.completed_at).year,
        hours=_hours(progress.credited_s),
    )
    cert.set_unit(progress.unit)
    _numbered(cert)
    audit.record(user, "training.certificate_issued", cert, unit=cert.unit, after=_snapshot(cert))
    return cert


def _year(value: Any) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Invalid(_("Choose a year in which you learnt."), field="year")
    return year


@transaction.atomic
def issue_year_certificate(user: Any, year: Any) -> Certificate:
    """The learner's certificate of training hours in `year`; during the year, asking again
    updates the hours (same number)."""
    year = _year(year)
    _lock(user)
    days = LearningDay.objects.visible_to(user).filter(learner=user, day__year=year)
    hours = _hours(days.aggregate(s=Sum("credited_s"))["s"])
    if hours <= 0:
        raise Invalid(_("You have no credited learning time in %(year)s.") % {"year": year}, field="year")
    existing = Certificate.objects.filter(learner=user, kind=CertificateKind.YEAR, year=year).first()
    if existing is not None:
        if existing.hours != hours:
            before = _snapshot(existing)
            existing.hours = hours
            existing.save(update_fields=["hours"])
            audit.record(
                user, "training.certificate_updated", existing, unit=existing.unit,
                before=before, after=_snapshot(existing),
            )  # fmt: skip
        return existing
    # The unit the learner learnt under most recently that year issues it.
    latest = days.values("unit").annotate(last=Max("day")).order_by("-last", "unit").first()
    cert = Certificate(learner=user, kind=CertificateKind.YEAR, year=year, hours=hours)
    cert.set_unit(Unit.objects.get(pk=latest["unit"]))
    _numbered(cert)
    audit.record(user, "training.certificate_issued", cert, unit=cert.unit, after=_snapshot(cert))
    return cert


# -- reading -------------------------------------------------------------------------------------
def certificates_of(viewer: Any, learner_user: Any) -> Any:
    return (
        Certificate.objects.visible_to(viewer)
        .filter(learner=learner_user)
        .select_related("course", "unit")
        .order_by("-year", "kind", "-issued_at")
    )


def certificate_for(viewer: Any, certificate_id: int) -> Certificate:
    """A certificate the viewer may see (their own; a manager's learners'); 404 alike otherwise."""
    from django.http import Http404

    cert = (
        Certificate.objects.visible_to(viewer)
        .filter(pk=certificate_id)
        .select_related("learner", "course__campaign", "course__unit", "unit")
        .first()
    )
    if cert is None:
        raise Http404
    return cert


@dataclass
class YearCourse:
    title: str
    title_en: str
    hours: float
    completed_on: dt.date | None


def year_courses(viewer: Any, cert: Certificate) -> tuple[list[YearCourse], float]:
    """The courses learnt in a year certificate's year with that year's hours, and the total."""
    per_course = (
        LearningDay.objects.visible_to(viewer)
        .filter(learner=cert.learner, day__year=cert.year)
        .values("course")
        .annotate(s=Sum("credited_s"))
    )
    seconds = {row["course"]: row["s"] for row in per_course}
    completed = dict(
        CourseProgress.objects.visible_to(viewer)
        .filter(learner=cert.learner, course__in=seconds, completed_at__isnull=False)
        .values_list("course", "completed_at")
    )
    rows = []
    for course in Course.objects.filter(pk__in=seconds).order_by("campaign", "order", "pk"):
        done = completed.get(course.pk)
        rows.append(
            YearCourse(
                title=course.title,
                title_en=course.title_en,
                hours=_hours(seconds[course.pk]),
                completed_on=timezone.localtime(done).date() if done else None,
            )
        )
    return rows, _hours(sum(seconds.values()))


def certificate_context(viewer: Any, cert: Certificate) -> dict[str, Any]:
    context: dict[str, Any] = {"cert": cert, "learner_name": cert.learner.name or cert.learner.username}
    if cert.kind == CertificateKind.COURSE:
        progress = (
            CourseProgress.objects.visible_to(viewer).filter(learner=cert.learner, course=cert.course).first()
        )
        done = progress.completed_at if progress and progress.completed_at else cert.issued_at
        context.update(
            course=cert.course,
            completed_on=timezone.localtime(done).date(),
            hours=cert.hours,
            seconds=progress.credited_s if progress else cert.hours * 3600,
            issuer=cert.course.unit.name,
        )
    else:
        # Printed as the facts stand now (late offline beats count too); `hours` is kept on the
        # record when the certificate is issued or asked for again.
        courses, hours = year_courses(viewer, cert)
        today = timezone.localdate()
        context.update(
            courses=courses,
            hours=hours,
            issuer=cert.unit.name,
            year_open=cert.year >= today.year,
            as_of=today if cert.year >= today.year else dt.date(cert.year, 12, 31),
        )
    return context


def render_pdf(viewer: Any, cert: Certificate) -> bytes:
    return pdf.render_pdf("training/certificate_pdf.html", certificate_context(viewer, cert))
