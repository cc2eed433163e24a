"""The root API (django-ninja) at /api/v1/. App routers are mounted here."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="SafeCampus API", version="1", urls_namespace="api")
