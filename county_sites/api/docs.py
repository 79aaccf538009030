"""Docs at /api/v1/docs use the Swagger UI files shipped inside django-ninja, served from here:
nothing is loaded from a CDN (ninja's default when "ninja" is not an installed app)."""

import mimetypes
from pathlib import Path

import ninja
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase

NINJA_STATIC = Path(ninja.__file__).parent / "static" / "ninja"
DOCS_ASSETS = frozenset(
    {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"}
)
# The files change only with django-ninja's version.
DOCS_ASSET_MAX_AGE = 24 * 3600


class LocalSwagger(DocsBase):
    """Swagger UI from django-ninja's own files, served by docs_asset below."""

    def render_page(self, request: HttpRequest, api: ninja.NinjaAPI, **kwargs):
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
