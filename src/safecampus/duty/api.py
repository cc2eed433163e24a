"""Duty rosters API, mounted at `/api/v1/duty`."""

from ninja import Router

router = Router(tags=["duty"])
