"""The NinjaAPI of a county host, mounted at /api/v1/ by config.urls_county.

Errors are JSON {"detail": message, "field": name or null}, the message in the request's
language (LocaleMiddleware: Accept-Language, the language cookie):
- a service's ApplicationError: 400 with the service's own message, as the pages show it
  (429 with Retry-After for SMS throttles);
- not signed in, or a revoked token: 401; CSRF failure of a session caller: 403;
- another county's or another resident's object, or an unknown one: 404;
- input that does not fit the schema: 400 with the first bad field and every error.

Docs at /api/v1/docs use the Swagger UI files shipped inside django-ninja, served from here:
nothing is loaded from a CDN (ninja's default when "ninja" is not an installed app).
"""

import mimetypes
from pathlib import Path

import ninja
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.docs import DocsBase

from accounts.services import SmsThrottledError
from core.errors import ApplicationError
from county_sites.api import auth, cart, catalogue, orders, payments
from county_sites.api.errors import (
    MSG_INVALID_INPUT,
    MSG_NOT_AUTHENTICATED,
    MSG_NOT_FOUND,
    MSG_TOO_MANY_REQUESTS,
)

NINJA_STATIC = Path(ninja.__file__).parent / "static" / "ninja"
DOCS_ASSETS = frozenset(
    {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"}
)
# The files change only with django-ninja's version.
DOCS_ASSET_MAX_AGE = 24 * 3600


class LocalSwagger(DocsBase):
    """Swagger UI from django-ninja's own files, served by docs_asset below."""

    def render_page(self, request: HttpRequest, api: "FengshouAPI", **kwargs):
        def asset(name: str) -> str:
            return reverse(f"{api.urls_namespace}:docs-asset", args=[name])

        context = {
            "api": api,
            "openapi_url": self.get_openapi_url(api, kwargs),
            "css": asset("swagger-ui.css"),
            "bundle": asset("swagger-ui-bundle.js"),
            "init": asset("swagger-ui-init.js"),
            "favicon": asset("favicon.png"),
        }
        return render(request, "api/swagger.html", context)


def docs_asset(request: HttpRequest, name: str):
    if name not in DOCS_ASSETS:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((NINJA_STATIC / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = f"public, max-age={DOCS_ASSET_MAX_AGE}"
    return response


class FengshouAPI(NinjaAPI):
    def _get_urls(self):
        return [
            *super()._get_urls(),
            path("docs/assets/<str:name>", docs_asset, name="docs-asset"),
        ]


api = FengshouAPI(
    title="Fengshou county API",
    version="1",
    description=_("县域商城接口：商品、搜索、购物车、订单与支付状态。金额单位为分。"),
    urls_namespace="api_v1",
    docs=LocalSwagger(),
)
api.add_router("", auth.router)
api.add_router("", catalogue.router)
api.add_router("", cart.router)
api.add_router("", orders.router)
api.add_router("", payments.router)


def _error(request, status: int, detail, field: str | None = None, **extra):
    return api.create_response(
        request, {"detail": str(detail), "field": field, **extra}, status=status
    )


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    if isinstance(exc, SmsThrottledError):
        response = _error(request, 429, exc.message, exc.field)
        if exc.retry_after:
            response["Retry-After"] = str(exc.retry_after)
        return response
    return _error(request, 400, exc.message, exc.field)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, MSG_NOT_FOUND)


@api.exception_handler(AuthenticationError)
def not_authenticated(request, exc):
    response = _error(request, 401, MSG_NOT_AUTHENTICATED)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Throttled)
def throttled(request, exc):
    return _error(request, 429, MSG_TOO_MANY_REQUESTS)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    # ninja's own 400s ("Cannot parse request body") are in English: say it in the caller's.
    detail = MSG_INVALID_INPUT if exc.status_code == 400 else exc.message
    return _error(request, exc.status_code, detail)


@api.exception_handler(ValidationError)
def invalid_input(request, exc: ValidationError):
    errors = [
        {
            "loc": [str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }  # fmt: skip
        for error in exc.errors
    ]
    field = errors[0]["loc"][-1] if errors and errors[0]["loc"] else None
    return _error(request, 400, MSG_INVALID_INPUT, field, errors=errors)
