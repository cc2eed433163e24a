"""1530 safety talks API, mounted at `/api/v1/talks`."""

from ninja import Router

router = Router(tags=["talks"])
