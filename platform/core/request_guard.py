"""The first guard on every request: input that no page can use is refused with a clear 4xx
in the visitor's language, instead of reaching a query and answering 500 (issue 12).

- A NUL character in the path or the query string (PostgreSQL cannot store or compare it):
  400, before any view runs.
- A body over DATA_UPLOAD_MAX_MEMORY_SIZE (Django raises RequestDataTooBig when a view reads
  it): 413.
- Whatever else the database refuses as data (DataError: a number beyond a column's range,
  a NUL that came another way): 400, logged as a warning with its traceback, so the field that
  let it through gets its own check.

Answers are JSON {"detail", "field"} under /api/ (the API's error shape, county_sites.api.errors)
and the 400 page elsewhere. Runs after LocaleMiddleware, so the message is in the visitor's
language.
"""

import logging

from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

MSG_BAD_CHARACTERS = _("网址中含有无效的字符，请检查后重试。")
MSG_BAD_REQUEST = _("提交的内容有误，请检查后重试。")
MSG_TOO_LARGE = _("提交的内容太大，请缩小后重试。")
API_PREFIX = "/api/"


def _has_nul(request) -> bool:
    if "\x00" in request.path_info:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


def refusal(request, status: int, message) -> HttpResponse:
    """The 4xx answer with `message`: JSON for the API, the error page for people."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": str(message), "field": None}, status=status)
    html = render_to_string("400.html", {"message": message, "status": status})
    return HttpResponse(html, status=status)


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            return refusal(request, 400, MSG_BAD_CHARACTERS)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return refusal(request, 413, MSG_TOO_LARGE)
        if isinstance(exception, DataError):
            logger.warning(
                "Refused input the database cannot hold: %s", request.path, exc_info=True
            )
            return refusal(request, 400, MSG_BAD_REQUEST)
        return None
