"""`GET /org/schools/search?q=…&within=<unit id>`: schools of the user's scope by name or code,
as JSON (the school search box's suggestions, phone clients). At most `ranking.SEARCH_LIMIT`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from .models import Unit
from .ranking import search_schools


@login_required
@require_GET
def school_search(request: HttpRequest) -> JsonResponse:
    within = request.GET.get("within") or ""
    area = None
    if within:
        # an area outside the user's scope finds nothing, like a missing one
        area = (
            Unit.objects.visible_to(request.user).filter(pk=int(within)).first() if within.isdigit() else None
        )
        if area is None:
            return JsonResponse({"results": []})
    found = search_schools(request.user, area, request.GET.get("q", ""))
    return JsonResponse(
        {"results": [{"id": u.pk, "code": u.code, "name": u.name, "parent": u.parent_name} for u in found]}
    )
