"""The product's URLs plus the floor of the heartbeat benchmark: a bare view doing one UPDATE."""

from __future__ import annotations

import json

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from safecampus.urls import urlpatterns as product_urls


@csrf_exempt
def floor(request: HttpRequest) -> JsonResponse:
    """Parse the same JSON body a heartbeat request sends and do one UPDATE of one row."""
    beats = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_user SET last_login = NOW() WHERE id = %s", [int(request.GET["learner"])]
        )
    return JsonResponse({"results": [{"id": b["id"], "status": "accepted"} for b in beats]})


urlpatterns = [path("bench/floor", floor), *product_urls]
