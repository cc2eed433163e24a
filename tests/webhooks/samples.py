"""Webhook sample of demo-c1-k1 for the tenancy walk (made on first use, through the service):
the county's endpoint, described with "东港区" so the walk notices any leak."""

from __future__ import annotations

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.webhooks import services
from safecampus.webhooks.models import Endpoint


def endpoint_id() -> int:
    county = Unit.objects.get(code="demo-c1-k1")
    endpoint = Endpoint.objects.filter(unit=county).first()
    if endpoint is None:
        endpoint, _secret = services.create_endpoint(
            county,
            actor=User.objects.get(username="demo_city"),
            data={
                "url": "https://sms.example.com/hook",
                "events": ["hazard.reported"],
                "description": "东港区短信网关",
            },
        )
    return endpoint.pk
