"""Request id and client address for every request, shared with the audit trail."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from . import context


def _ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's address, the one helper for the audit trail and the sign-in lock-out.

    Behind reverse proxies (`USE_X_FORWARDED_FOR`) it is the entry `TRUSTED_PROXY_COUNT` places
    from the right of X-Forwarded-For: each trusted proxy appends the address it saw, so entries
    further left are whatever the client sent and prove nothing. A header with fewer entries than
    trusted proxies, or a value that is not an IP address, falls back to the connection's address.
    """
    remote = _ip(request.META.get("REMOTE_ADDR"))
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 1)
    if getattr(settings, "USE_X_FORWARDED_FOR", False) and count >= 1:
        hops = [h for h in (p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")) if h]
        if len(hops) >= count:
            return _ip(hops[-count]) or remote
    return remote


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if incoming.isascii() and 0 < len(incoming) <= 64 else uuid.uuid4().hex
        request.request_id = request_id
        token = context.set_current(context.RequestContext(request_id, client_address(request)))
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response
