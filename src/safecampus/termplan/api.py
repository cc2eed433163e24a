"""Term safety plans API, mounted at `/api/v1/termplan`."""

from ninja import Router

router = Router(tags=["termplan"])
