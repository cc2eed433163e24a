"""Visitors API, mounted at /api/v1/gate."""

from ninja import Router

router = Router(tags=["visitors"])
