"""The root API (django-ninja) at /api/v1/. App routers are mounted here.

Every route needs a Bearer token (`POST /api/v1/auth/token` is the one exception; see
accounts.api for accounts that must first change an initial password), and every error is
JSON `{"detail": ...}` with a translated message: never HTML, and a 500
only as the last resort for a real bug (logged).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from inspect import iscoroutinefunction
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from safecampus.accounts.api import BearerAuth, auth_router, me_router
from safecampus.checks.api import router as inspections_router
from safecampus.checks.stats_api import router as inspection_stats_router
from safecampus.core.api import router as org_router
from safecampus.core.errors import DomainError
from safecampus.core.jobs_api import router as jobs_router
from safecampus.core.today_api import router as today_router
from safecampus.defence.api import router as defence_router
from safecampus.duty.api import router as duty_router
from safecampus.exits.api import router as exits_router
from safecampus.fire.api import router as fire_router
from safecampus.guards.api import router as guards_router
from safecampus.hazards.api import router as hazards_router
from safecampus.hazards.stats_api import router as hazard_stats_router
from safecampus.notices.api import router as notices_router
from safecampus.patrols.api import router as patrols_router
from safecampus.pickups.api import router as pickups_router
from safecampus.responsibility.api import router as responsibility_router
from safecampus.risks.api import router as risks_router
from safecampus.roster.api import router as roster_router
from safecampus.schoolcal.api import router as calendar_router
from safecampus.supervision.api import router as supervision_router
from safecampus.talks.api import router as talks_router
from safecampus.termplan.api import router as termplan_router
from safecampus.training.api import router as training_router
from safecampus.training_stats.api import router as stats_router
from safecampus.visitors.api import router as visitors_router
from safecampus.webhooks.api import router as webhooks_router

logger = logging.getLogger("safecampus.api")


def _json_method_not_allowed(view: Callable[..., Any]) -> Callable[..., Any]:
    """ninja answers a wrong method with a bare text 405; make it JSON like every other error."""

    @wraps(view)  # keeps csrf_exempt and the other view attributes
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            as_json = JsonResponse({"detail": _("This method is not allowed here.")}, status=405)
            as_json["Allow"] = response["Allow"]
            return as_json
        return response

    return wrapped


class SafeCampusAPI(NinjaAPI):
    def _get_urls(self) -> list[Any]:  # ninja 1.7 builds its URL patterns here
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern) and not iscoroutinefunction(pattern.callback):
                pattern.callback = _json_method_not_allowed(pattern.callback)
        return urls


api = SafeCampusAPI(
    title="SafeCampus API",
    version="1",
    description="School safety platform (校园安全风险防控平台). Get a token from `POST /auth/token`, "
    "then send `Authorization: Bearer <token>`.",
    urls_namespace="api",
    auth=BearerAuth(),
)


def _error(request: HttpRequest, status: int, detail: Any, **extra: Any) -> HttpResponse:
    body = {"detail": detail, **{k: v for k, v in extra.items() if v is not None}}
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = _error(request, exc.status, str(exc.message), field=exc.field, code=getattr(exc, "code", None))
    minutes = getattr(exc, "minutes", None)  # LockedOut: when to try again
    if exc.status == 429 and isinstance(minutes, int):
        response["Retry-After"] = str(minutes * 60)
    return response


@api.exception_handler(PermissionDenied)
def _permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = getattr(exc, "message", None)  # a domain refusal says why (translated)
    return _error(request, 403, str(message) if message else _("You do not have permission to do this."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, _("Not found."))


api.add_exception_handler(ObjectDoesNotExist, _not_found)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(
        request, 401, _("Please sign in: send a valid token as 'Authorization: Bearer <token>'.")
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = _error(request, 429, _("Too many requests. Please try again later."))
    if exc.wait:
        response["Retry-After"] = str(int(exc.wait))
    return response


_HTTP_MESSAGES = {
    403: lambda: _("You do not have permission to do this."),
    404: lambda: _("Not found."),
}


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return _error(request, 400, _("The request body is not valid JSON."))
    message = _HTTP_MESSAGES.get(exc.status_code)
    return _error(request, exc.status_code, message() if message else str(exc))


def _validation_message(error: dict[str, Any]) -> str:
    """A translated message for the common pydantic error kinds; pydantic's own otherwise."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_too_long", "too_long"):
        return _("Ensure this value has at most %(n)s characters.") % {"n": ctx.get("max_length", "?")}
    if kind in ("string_too_short", "too_short"):
        return _("Ensure this value has at least %(n)s characters.") % {"n": ctx.get("min_length", "?")}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Ensure this value is at least %(n)s.") % {"n": ctx.get("ge", ctx.get("gt", "?"))}
    if kind in ("less_than_equal", "less_than"):
        return _("Ensure this value is at most %(n)s.") % {"n": ctx.get("le", ctx.get("lt", "?"))}
    if kind in ("enum", "literal_error"):
        return _("Select a valid choice: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind in ("string_type", "string_unicode"):
        return _("Enter text.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return _("The request body must be a JSON object.")
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    return str(error.get("msg", _("This value is not valid.")))


@api.exception_handler(NinjaValidationError)
def _invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    items = []
    for error in exc.errors:
        loc = error.get("loc") or ()
        items.append(
            {
                "loc": [p if isinstance(p, int) else str(p) for p in loc],
                "msg": _validation_message(error),
                "type": str(error.get("type", "invalid")),
            }
        )
    return _error(request, 422, items)


@api.exception_handler(DjangoValidationError)
def _django_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _error(request, 400, " ".join(str(m) for m in exc.messages))


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """A form upload whose body cannot be parsed (malformed parts, oversized part headers)."""
    return _error(request, 400, _("The uploaded form could not be read. Please choose the files again."))


@api.exception_handler(IntegrityError)
def _integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    logger.warning("integrity error on %s %s: %s", request.method, request.path, exc)
    return _error(
        request, 409, _("This conflicts with a change made at the same time; please reload and retry.")
    )


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled API error on %s %s", request.method, request.path, exc_info=exc)
    return _error(request, 500, _("Something went wrong on our side. Please try again."))


api.add_router("/auth/", auth_router)
api.add_router("/org/", org_router)
api.add_router("/roster/", roster_router)
api.add_router("/training/stats", stats_router)
api.add_router("/training/", training_router)
api.add_router("/risks/", risks_router)
api.add_router("/hazards/stats", hazard_stats_router)
api.add_router("/hazards", hazards_router)
api.add_router("/supervision", supervision_router)
api.add_router("/patrols", patrols_router)
api.add_router("/inspections/stats", inspection_stats_router)
api.add_router("/inspections", inspections_router)
api.add_router("/calendar", calendar_router)
api.add_router("/fire", fire_router)
api.add_router("/talks", talks_router)
api.add_router("/duty", duty_router)
api.add_router("/termplan", termplan_router)
api.add_router("/responsibility", responsibility_router)
api.add_router("/gate", visitors_router)
api.add_router("/gate", exits_router)
api.add_router("/gate", pickups_router)
api.add_router("/security", guards_router)
api.add_router("/security", defence_router)
api.add_router("/notices", notices_router)
api.add_router("/webhooks", webhooks_router)
api.add_router("/today", today_router)
api.add_router("/jobs", jobs_router)
api.add_router("/", me_router)
