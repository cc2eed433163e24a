"""Upload a content package: as a new campaign, or into an existing one. A refused package
shows every error with its place in the manifest."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from safecampus.core.policy import policy_for

from . import manage_queries as q
from .manage_forms import PackageForm
from .manage_views import campaign_crumbs, manage_crumbs
from .models import Campaign
from .packages import PackageError, load_package


def _page(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    user = request.user
    unit = q.managing_unit(user)
    limit_mb = policy_for(campaign.unit if campaign else unit).training["max_package_mb"]
    form = PackageForm(request.POST or None, request.FILES or None)
    errors: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > limit_mb * 1024 * 1024:
            form.add_error("file", _("The package is larger than %(mb)s MB.") % {"mb": limit_mb})
        else:
            try:
                loaded = load_package(upload, actor=user, unit=unit, campaign=campaign)
            except PackageError as exc:
                errors = exc.errors
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("The package was loaded into “%(title)s”.") % {"title": loaded.title}
                )
                return redirect("training:campaign", campaign_id=loaded.pk)
    if campaign is None:
        title = _("New campaign from a package")
        crumbs = manage_crumbs({"label": title})
        cancel = reverse("training:manage")
    else:
        title = _("Load a package into this campaign")
        crumbs = campaign_crumbs(campaign, {"label": title})
        cancel = reverse("training:campaign", args=[campaign.pk])
    return render(
        request,
        "training/manage/package.html",
        {
            "form": form,
            "errors": errors,
            "campaign": campaign,
            "unit": unit,
            "title": title,
            "cancel_url": cancel,
            "limit_mb": limit_mb,
            "breadcrumbs": crumbs,
        },
    )


@login_required
def package_new(request: HttpRequest) -> HttpResponse:
    return _page(request, None)


@login_required
def package_into(request: HttpRequest, campaign_id: int) -> HttpResponse:
    q.managing_unit(request.user)
    return _page(request, q.campaign_for_manager(request.user, campaign_id))
