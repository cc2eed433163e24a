"""Defence equipment API, mounted at /api/v1/security."""

from ninja import Router

router = Router(tags=["defence"])
