"""`{% school_search area "app:page" %}`: the school search box of `core.ranking` on any page,
without the view's help. `by="code"` links `page?unit=<code>` (pages that take a unit code),
otherwise `page` with the school's id."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from safecampus.core import ranking
from safecampus.core.models import Unit, UnitKind

register = template.Library()


@register.inclusion_tag("core/_school_search.html", takes_context=True)
def school_search(
    context: dict[str, Any], area: Unit | None, url_name: str, by: str = "id"
) -> dict[str, Any]:
    request = context["request"]
    if area is None or area.kind == UnitKind.SCHOOL:
        return {"school_search": None}
    if by == "code":
        base = reverse(url_name)

        def link(unit: Unit) -> str:
            return f"{base}?{urlencode({'unit': unit.code})}"
    else:
        link = ranking.link_to(url_name)
    return ranking.search_context(request, request.user, area, link)
