"""Scanning a label: the device's check page (`/fire/d/<school id>/<device code>/`, the URL in
its QR code) — the device, its status and a big pass/fail form with a note and the phone's
camera; the photos of checks; the PDF sheet of QR labels."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core.errors import DomainError
from safecampus.core.files.serve import serve_file
from safecampus.core.pdf import pdf_response, render_pdf
from safecampus.core.places import unit_for
from safecampus.core.scoping import has_perm_at

from . import checks, queries
from .forms import CheckForm, apply_errors
from .models import CheckPhoto, DeviceType, Result
from .perms import CHECK, VIEW
from .status import derive, fire_policy
from .views import home_crumb

MAX_LABELS = 500


def check_url(device: Any) -> str:
    return reverse("fire:check", args=[device.unit_id, device.code])


@login_required
def check_page(request: HttpRequest, unit_id: int, device_code: str) -> HttpResponse:
    user = request.user
    device = queries.device_by_code(user, unit_id, device_code)
    may_check = has_perm_at(user, CHECK, device.unit) and device.state == "in_service"
    form = CheckForm(request.POST or None, initial={"client_id": uuid.uuid4()}) if may_check else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = {**form.cleaned_data, "client_id": str(form.cleaned_data["client_id"])}
        try:
            check, created = checks.record_check(
                device, actor=user, data=data, photos=request.FILES.getlist("photos")
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            if not created:
                messages.info(request, _("This check was already received."))
            elif check.hazard_id:
                messages.warning(
                    request,
                    _("Check recorded as failed; hazard %(number)s was reported.")
                    % {"number": check.hazard.number},
                )
            else:
                messages.success(request, _("Check recorded: %(code)s passed.") % {"code": device.code})
            return redirect("fire:device", device.pk)
    rules = fire_policy(device.unit)
    last = device.checks.select_related("hazard").first()
    return render(
        request,
        "fire/check.html",
        {
            "device": device,
            "form": form,
            "status": derive(device, rules) if device.state == "in_service" else "",
            "last": last,
            "results": Result,
            "breadcrumbs": [home_crumb(), {"label": device.code}],
        },
    )


@login_required
def check_photo(request: HttpRequest, check_id: int, fire_photo_id: int) -> HttpResponse:
    check = queries.get_check_for(request.user, check_id)
    return serve(request, get_object_or_404(CheckPhoto, pk=fire_photo_id, device_check=check))


def serve(request: HttpRequest, photo: CheckPhoto) -> HttpResponse:
    name = photo.image.name
    png = name.endswith(".png")
    return serve_file(
        request,
        photo.image,
        content_type="image/png" if png else "image/jpeg",
        filename=f"check-photo-{photo.pk}.{'png' if png else 'jpg'}",
        etag=f"fire-photo-{photo.pk}-{name.rsplit('/', 1)[-1]}",
    )


def qr_svg_data_url(text: str) -> str:
    """A QR code of `text` as an SVG data: URL (vector: sharp in print), made locally."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=1)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


@login_required
def labels_pdf(request: HttpRequest, unit_id: int) -> HttpResponse:
    """One label per device in service (optionally of one building): the school's name, the
    device's code, type and place, and a QR code of its check page."""
    unit = unit_for(request.user, VIEW, pk=unit_id, school=True)
    qs = queries.devices_in(request.user, unit).order_by("building", "floor", "code", "id")
    building = " ".join(str(request.GET.get("building") or "").split())[:60]
    if building:
        qs = qs.filter(building=building)
    kind = request.GET.get("type") or ""
    if kind in DeviceType.values:
        qs = qs.filter(type=kind)
    devices = list(qs[: MAX_LABELS + 1])
    if not devices:
        raise Http404
    if len(devices) > MAX_LABELS:
        messages.error(request, _("At most %(n)s labels at a time: choose a building.") % {"n": MAX_LABELS})
        return redirect("fire:unit", unit.pk)
    for d in devices:
        d.unit = unit
        d.url = settings.SITE_URL + check_url(d)
        d.qr = qr_svg_data_url(d.url)
    data = render_pdf(
        "fire/labels.html",
        {
            "unit": unit,
            "rows": [devices[i : i + 3] for i in range(0, len(devices), 3)],
            "printed": timezone.localdate(),
        },
    )
    return pdf_response(data, f"{unit.code}-fire-labels.pdf", private=True)
