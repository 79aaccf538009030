"""The API's errors: its own refusals (everything else carries the service's message
unchanged) and the handlers that answer every error as JSON
{"detail": message, "field": name or null}, the message in the request's language
(LocaleMiddleware: Accept-Language, the language cookie):
- a service's ApplicationError: 400 with the service's own message, as the pages show it
  (429 with Retry-After for SMS throttles);
- not signed in, or a revoked token: 401; CSRF failure of a session caller: 403;
- another county's or another resident's object, or an unknown one: 404;
- input that does not fit the schema: 400 with the first bad field and every error.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from accounts.services import SmsThrottledError
from core.errors import ApplicationError

MSG_NOT_AUTHENTICATED = _("请先登录。")
MSG_CSRF_FAILED = _("页面已过期，请刷新后重试。")
MSG_NOT_FOUND = _("没有找到。")
MSG_INVALID_INPUT = _("提交的内容有误，请检查后重试。")
MSG_CATEGORY_UNKNOWN = _("没有这个类目。")
MSG_CERTIFICATION_UNKNOWN = _("没有这种认证类型。")
MSG_TOO_MANY_REQUESTS = _("请求过于频繁，请稍后再试。")


def error_handlers_install(api: NinjaAPI) -> None:
    """Answer `api`'s errors as above."""

    def error(request, status: int, detail, field: str | None = None, **extra):
        return api.create_response(
            request, {"detail": str(detail), "field": field, **extra}, status=status
        )

    @api.exception_handler(ApplicationError)
    def application_error(request, exc: ApplicationError):
        if isinstance(exc, SmsThrottledError):
            response = error(request, 429, exc.message, exc.field)
            if exc.retry_after:
                response["Retry-After"] = str(exc.retry_after)
            return response
        return error(request, 400, exc.message, exc.field)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error(request, 404, MSG_NOT_FOUND)

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request, exc):
        response = error(request, 401, MSG_NOT_AUTHENTICATED)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        return error(request, 429, MSG_TOO_MANY_REQUESTS)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        # ninja's own 400s ("Cannot parse request body") are in English: say it in the caller's.
        detail = MSG_INVALID_INPUT if exc.status_code == 400 else exc.message
        return error(request, exc.status_code, detail)

    @api.exception_handler(ValidationError)
    def invalid_input(request, exc: ValidationError):
        errors = [
            {
                "loc": [str(part) for part in item.get("loc", ())],
                "msg": str(item.get("msg", "")),
                "type": str(item.get("type", "")),
            }  # fmt: skip
            for item in exc.errors
        ]
        field = errors[0]["loc"][-1] if errors and errors[0]["loc"] else None
        return error(request, 400, MSG_INVALID_INPUT, field, errors=errors)
