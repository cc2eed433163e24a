"""Responsibility letters API, mounted at `/api/v1/responsibility`."""

from ninja import Router

router = Router(tags=["responsibility"])
