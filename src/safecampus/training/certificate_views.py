"""Certificate pages: the learner's list (issue for a completed course or a year) and PDF download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models.functions import ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core.errors import DomainError
from safecampus.core.pdf import pdf_response

from . import certificates
from .class_models import CertificateKind
from .learn_views import training_crumbs
from .progress_models import CourseProgress, LearningDay
from .queries import year_hours


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    issued = list(certificates.certificates_of(user, user))
    by_course = {c.course_id: c for c in issued if c.kind == CertificateKind.COURSE}
    by_year = {c.year: c for c in issued if c.kind == CertificateKind.YEAR}
    completed = list(
        CourseProgress.objects.visible_to(user)
        .filter(learner=user, completed_at__isnull=False)
        .select_related("course")
        .order_by("-completed_at")
    )
    years = sorted(
        set(
            LearningDay.objects.visible_to(user)
            .filter(learner=user, credited_s__gt=0)
            .annotate(y=ExtractYear("day"))
            .values_list("y", flat=True)
        ),
        reverse=True,
    )
    year_rows = []
    for year in years:
        hours = round(year_hours(user, user, year), 2)
        cert = by_year.get(year)
        stale = cert is not None and cert.hours != hours
        year_rows.append({"year": year, "hours": hours, "cert": cert, "stale": stale})
    return render(
        request,
        "training/learn/certificates.html",
        {
            "courses": [{"progress": p, "cert": by_course.get(p.course_id)} for p in completed],
            "years": year_rows,
            "current_year": timezone.localdate().year,
            "breadcrumbs": training_crumbs({"label": _("Certificates")}),
        },
    )


@login_required
@require_POST
def certificate_issue(request: HttpRequest) -> HttpResponse:
    course, year = request.POST.get("course", ""), request.POST.get("year", "")
    try:
        if course:
            if not course.isdigit():
                raise DomainError(_("A certificate is issued once you have completed the course."))
            cert = certificates.issue_course_certificate(request.user, int(course))
        elif year:
            cert = certificates.issue_year_certificate(request.user, year)
        else:
            raise DomainError(_("Choose a completed course or a year."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("training:certificates")
    messages.success(request, _("Certificate %(number)s is ready to download.") % {"number": cert.number})
    return redirect("training:certificates")


@login_required
def certificate_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    cert = certificates.certificate_for(request.user, certificate_id)
    data = certificates.render_pdf(request.user, cert)
    return pdf_response(data, f"{cert.number}.pdf", download=True, private=True)
