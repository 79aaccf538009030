"""Who is calling: a bearer token from POST /api/v1/auth/token/, or the storefront's session.

The token is tried first: an app sends no cookies, so it never meets the CSRF check. A session
caller must send the CSRF token (X-CSRFToken header) on unsafe methods, as a page's form does:
otherwise another site could drive a signed-in resident's cart. A caller with neither gets 401.
"""

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from accounts.services import sms_code_request, sms_code_verify
from core.client_ip import client_ip
from county_sites.api.errors import MSG_CSRF_FAILED
from county_sites.api.schemas.auth import SmsCodeIn, SmsCodeOut, TokenIn, TokenOut
from county_sites.api.schemas.common import ErrorOut
from county_sites.api.selectors import api_token_get_live
from county_sites.api.services import api_token_create, api_token_revoke


class TokenAuth(HttpBearer):
    """Authorization: Bearer <token>. Sets request.api_token for DELETE /auth/token/."""

    def authenticate(self, request: HttpRequest, token: str):
        api_token = api_token_get_live(raw=token.strip())
        if api_token is None:
            return None
        request.api_token = api_token
        return api_token.user


class SessionAuth(APIKeyCookie):
    """The storefront's login session; CSRF checked on unsafe methods, only once signed in
    (an anonymous caller has nothing to forge and gets 401, not 403)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, str(MSG_CSRF_FAILED))
        return user


token_auth = TokenAuth()
session_auth = SessionAuth()
# Both, token first: the endpoints of a signed-in resident.
resident_auth = [token_auth, session_auth]


# ------------------------------------------------------------------------------------------
# POST /auth/sms-code/, POST /auth/token/, DELETE /auth/token/
# ------------------------------------------------------------------------------------------
router = Router(tags=["auth"])


@router.post(
    "/auth/sms-code/",
    response={202: SmsCodeOut, 400: ErrorOut, 429: ErrorOut},
    auth=None,
)
def sms_code_send(request, payload: SmsCodeIn):
    """Text a login code to the mobile (the login page's first step, same throttles)."""
    sms_code = sms_code_request(mobile=payload.mobile, ip=client_ip(request))
    return Status(202, sms_code)


@router.post(
    "/auth/token/",
    response={201: TokenOut, 400: ErrorOut, 429: ErrorOut},
    auth=None,
)
def token_create(request, payload: TokenIn):
    """Exchange the mobile and its SMS code for a bearer token, shown this once."""
    user = sms_code_verify(mobile=payload.mobile, code=payload.code)
    _token, raw = api_token_create(user=user)
    return Status(201, {"token": raw, "token_type": "Bearer", "user": user})


@router.delete("/auth/token/", response={204: None, 401: ErrorOut}, auth=token_auth)
def token_revoke(request):
    """Revoke the token this request was made with."""
    api_token_revoke(token=request.api_token)
    return Status(204, None)
