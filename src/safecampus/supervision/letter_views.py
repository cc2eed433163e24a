"""Letter pages: issue one (bureau), read it with its reply, the PDF, reply (school), review the
reply (bureau: close or return), and the reply's attachment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core import audit
from safecampus.core.files.serve import serve_file
from safecampus.core.pdf import pdf_response
from safecampus.core.policy import policy_for
from safecampus.core.ui import run_service

from . import pdf, queries, services
from .forms import LetterForm, ReplyForm, ReviewForm, default_body
from .models import Letter, LetterKind
from .views import choose_school, crumbs
from .workflow import ACTION_LABELS, allowed_actions


def _school_choice(request: HttpRequest) -> Any:
    value = request.GET.get("school") or request.POST.get("school")
    return queries.supervised_school(request.user, value) if value else None


@login_required
def letter_new(request: HttpRequest) -> HttpResponse:
    """Choose a school (GET ?school=), then its open hazards, the kind, requirements and deadline."""
    school = _school_choice(request)
    if school is None:
        kind = request.GET.get("kind", "")
        return choose_school(request, reverse("supervision:letter_new"), _("Issue a letter"),
                             kind=kind if kind in LetterKind.values else "")  # fmt: skip
    kind = request.GET.get("kind") if request.GET.get("kind") in LetterKind.values else LetterKind.ASSIGNMENT
    hazards = list(queries.open_hazards(request.user, school))
    picked = [str(h.pk) for h in hazards if str(h.pk) == request.GET.get("hazard")]
    reply_days = int(policy_for(school).supervision.letter_reply_days)
    deadline = timezone.localdate() + dt.timedelta(days=reply_days)
    initial = {"kind": kind, "body": default_body(kind), "hazards": picked, "deadline": deadline}
    form = LetterForm(request.POST or None, hazards=hazards, initial=initial)
    if request.method == "POST" and form.is_valid():
        letter = run_service(
            form, lambda: services.issue_letter(school, actor=request.user, data=form.cleaned_data)
        )
        if letter is not None:
            messages.success(request, _("Letter %(number)s issued.") % {"number": letter.number})
            return redirect("supervision:letter", letter.pk)
    return render(request, "supervision/letter_form.html", {
        "school": school, "form": form, "hazards": hazards,
        "bodies": {k: default_body(k) for k in LetterKind.values},
        "breadcrumbs": crumbs(school, {"label": _("Issue a letter")}),
    }, status=400 if form.errors else 200)  # fmt: skip


def letter_context(request: HttpRequest, letter: Letter, **forms: Any) -> dict[str, Any]:
    actions = allowed_actions(request.user, letter)
    return {
        "letter": letter,
        "unit": letter.unit,
        "hazards": list(letter.hazards.order_by("pk")),
        "actions": actions,
        "labels": ACTION_LABELS,
        "reply_form": forms.get("reply") or (ReplyForm() if "reply" in actions else None),
        "review_form": forms.get("review") or (ReviewForm() if "close" in actions else None),
        "overdue": letter.is_open and not letter.replied_at and letter.deadline < timezone.localdate(),
        "timeline": audit.timeline_for(letter, request.user)[:50],
        "breadcrumbs": crumbs(letter.unit, {"label": letter.number}),
    }


@login_required
def letter_detail(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = queries.get_for(request.user, Letter, letter_id)
    return render(request, "supervision/letter_detail.html", letter_context(request, letter))


@login_required
def letter_pdf(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = queries.get_for(request.user, Letter, letter_id)
    return pdf_response(pdf.letter_pdf(letter), f"letter-{letter.year}-{letter.kind}-{letter.seq}.pdf")


@login_required
@require_POST
def letter_reply(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = queries.get_for(request.user, Letter, letter_id)
    if "reply" not in allowed_actions(request.user, letter):
        raise PermissionDenied
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        done = run_service(form, lambda: services.act_letter(
            letter, actor=request.user, action="reply", data={"text": form.cleaned_data["text"]},
            attachment=form.cleaned_data.get("attachment")))  # fmt: skip
        if done is not None:
            messages.success(request, _("Reply sent to the bureau."))
            return redirect("supervision:letter", letter.pk)
    return render(
        request, "supervision/letter_detail.html", letter_context(request, letter, reply=form), status=400
    )


@login_required
@require_POST
def letter_review(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = queries.get_for(request.user, Letter, letter_id)
    action = request.POST.get("action", "")
    if action not in ("close", "return") or action not in allowed_actions(request.user, letter):
        if not queries.can_supervise(request.user, letter.unit):
            raise PermissionDenied
        messages.error(request, _("This is not possible now."))
        return redirect("supervision:letter", letter.pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        done = run_service(form, lambda: services.act_letter(
            letter, actor=request.user, action=action, data=form.cleaned_data))  # fmt: skip
        if done is not None:
            messages.success(
                request, _("Letter closed.") if action == "close" else _("Reply returned to the school.")
            )
            return redirect("supervision:letter", letter.pk)
    return render(
        request, "supervision/letter_detail.html", letter_context(request, letter, review=form), status=400
    )


@login_required
def letter_attachment(request: HttpRequest, letter_id: int) -> FileResponse:
    letter = queries.get_for(request.user, Letter, letter_id)
    if not letter.reply_file:
        raise Http404
    name = letter.reply_file.name
    return serve_file(
        request,
        letter.reply_file,
        content_type=letter.reply_file_type or "application/octet-stream",
        filename=f"letter-{letter.pk}-reply.{name.rsplit('.', 1)[-1].lower()}",
        etag=f"letter-{letter.pk}-{name.rsplit('/', 1)[-1]}",
    )
