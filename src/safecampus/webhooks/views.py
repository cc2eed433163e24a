"""Webhook pages for bureau administrators: the endpoints of one's subtree with the form that adds
one (the secret shown once), an endpoint's delivery log, rotating its secret, switching it on/off."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safecampus.core import access, events
from safecampus.core.errors import DomainError
from safecampus.core.forms import apply_errors
from safecampus.core.roles import Perm

from . import services
from .models import Endpoint

PER_PAGE = 50


class EndpointForm(forms.Form):
    url = forms.CharField(label=gettext_lazy("Receiver address"), max_length=500)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(label=gettext_lazy("Events"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = list(events.types().items())


def _endpoint(request: HttpRequest, endpoint_id: int) -> Endpoint:
    return get_object_or_404(Endpoint.objects.visible_to(request.user).select_related("unit"), pk=endpoint_id)


@login_required
def endpoint_list(request: HttpRequest) -> HttpResponse:
    unit = access.home_unit(request.user, Perm.MANAGE_WEBHOOKS, highest=True)
    if unit is None:
        raise Http404
    form = EndpointForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.create_endpoint(unit, actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Endpoint added. Copy its secret now: it is not shown again."))
            return render(request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret})
    endpoints = Endpoint.objects.visible_to(request.user).select_related("unit")
    return render(request, "webhooks/list.html", {"unit": unit, "form": form, "endpoints": endpoints})


@login_required
def endpoint_detail(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    page = Paginator(endpoint.deliveries.order_by("-created_at", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    labels = events.types()
    return render(request, "webhooks/detail.html", {"endpoint": endpoint, "page": page, "labels": labels})


@login_required
@require_POST
def rotate(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    secret = services.rotate_secret(endpoint, actor=request.user)
    messages.success(request, _("New secret made. The previous one keeps signing for 24 hours."))
    return render(request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret})


@login_required
@require_POST
def toggle(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    services.set_active(endpoint, actor=request.user, active=not endpoint.active)
    messages.success(request, _("Endpoint switched on.") if endpoint.active else _("Endpoint switched off."))
    return redirect("webhooks:detail", endpoint.pk)
