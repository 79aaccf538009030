"""Phone login for sellers and residents, on a county host. Works without JavaScript:
step 1 posts the mobile number, step 2 the code; the number waits in the session between.

Also the county end of a province operator's hand-off (hub.services.handoff):
/admin/handoff/<token>/."""

from urllib.parse import urlencode

from django.contrib.auth import login, logout
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tenants.utils import get_public_schema_name

from accounts.forms import CodeForm, MobileForm
from accounts.services import (
    SMS_CODE_MISSING,
    SmsThrottledError,
    consent_give_own,
    consent_revoke_own,
    sms_code_request,
    sms_code_verify,
)
from accounts.sessions import SESSION_VERIFIED_MOBILE
from core.client_ip import client_ip
from core.errors import ApplicationError
from hub.services.handoff import HandOffRefusedError, county_handoff_redeem

SESSION_MOBILE = "accounts_sms_login_mobile"
# Sessions remember which backend authenticated the user; ModelBackend reloads any active user.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _county_only(request: HttpRequest) -> None:
    if connection.schema_name == get_public_schema_name():
        raise Http404


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


def _mask(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}"


def _render(
    request: HttpRequest,
    *,
    step: str,
    form,
    next_url: str,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    mobile = request.session.get(SESSION_MOBILE, "")
    context = {
        "step": step,
        "form": form,
        "error": error,
        "next": next_url,
        "mobile": mobile,
        "mobile_masked": _mask(mobile) if mobile else "",
    }
    return render(request, "accounts/login.html", context, status=status)


def _refused(request, *, step, form, next_url, error: ApplicationError) -> HttpResponse:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))
    status = 429 if isinstance(error, SmsThrottledError) else 400
    response = _render(request, step=step, form=form, next_url=next_url, status=status)
    if getattr(error, "retry_after", None):
        response["Retry-After"] = str(error.retry_after)
    return response


def _post_mobile(request: HttpRequest, next_url: str) -> HttpResponse:
    form = MobileForm(request.POST)
    if not form.is_valid():
        return _render(request, step="mobile", form=form, next_url=next_url, status=400)
    try:
        sms_code = sms_code_request(mobile=form.cleaned_data["mobile"], ip=client_ip(request))
    except ApplicationError as error:
        return _refused(request, step="mobile", form=form, next_url=next_url, error=error)
    request.session[SESSION_MOBILE] = sms_code.mobile
    query = f"?{urlencode({'next': next_url})}" if next_url != "/" else ""
    # 303: the browser comes back with GET, so a reload does not send another code.
    return HttpResponseRedirect(reverse("accounts:login") + query, status=303)


def _post_code(request: HttpRequest, next_url: str) -> HttpResponse:
    mobile = request.session.get(SESSION_MOBILE)
    if not mobile:
        return _render(
            request,
            step="mobile",
            form=MobileForm(),
            next_url=next_url,
            status=400,
            error=str(SMS_CODE_MISSING),
        )
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _render(request, step="code", form=form, next_url=next_url, status=400)
    try:
        user = sms_code_verify(mobile=mobile, code=form.cleaned_data["code"])
    except ApplicationError as error:
        return _refused(request, step="code", form=form, next_url=next_url, error=error)
    login(request, user, backend=LOGIN_BACKEND)
    request.session.pop(SESSION_MOBILE, None)
    request.session[SESSION_VERIFIED_MOBILE] = mobile
    return HttpResponseRedirect(next_url, status=303)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    _county_only(request)
    next_url = _safe_next(request)
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "code":
            return _post_code(request, next_url)
        return _post_mobile(request, next_url)
    if request.GET.get("change"):
        request.session.pop(SESSION_MOBILE, None)
    if request.session.get(SESSION_MOBILE):
        return _render(request, step="code", form=CodeForm(), next_url=next_url)
    return _render(request, step="mobile", form=MobileForm(), next_url=next_url)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    _county_only(request)
    logout(request)
    return HttpResponseRedirect("/", status=303)


@never_cache
@require_GET
def handoff_view(request: HttpRequest, token: str) -> HttpResponse:
    """A province operator's single-use link from the hub: signs them in as this county's
    operator and opens the Wagtail admin. GET, because the hub redirects here; the token is
    spent by the first request and lives a minute, so a replay is refused."""
    _county_only(request)
    try:
        user = county_handoff_redeem(token=token, county=request.tenant, ip=client_ip(request))
    except HandOffRefusedError as error:
        response = render(
            request, "accounts/handoff_refused.html", {"error": error.message}, status=error.status
        )
        response["Referrer-Policy"] = "no-referrer"
        return response
    # login() rotates the session key, so no session seen before the hand-off carries over.
    login(request, user, backend=LOGIN_BACKEND)
    return HttpResponseRedirect(reverse("wagtailadmin_home"), status=303)


# ------------------------------------------------------------------------------------------
# The account page's consent buttons (the page itself: county_sites.credit.views.account_page)
# ------------------------------------------------------------------------------------------
ACCOUNT_PAGE = "/account/"


def _consent_refused(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    return render(
        request,
        "accounts/consent_refused.html",
        {"error": error.message, "back": ACCOUNT_PAGE},
        status=400,
    )


@require_POST
def consent_give_view(request: HttpRequest, purpose: str) -> HttpResponse:
    """One tap: the person agrees to `purpose` as worded in the notice the page showed."""
    _county_only(request)
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('accounts:login')}?next={ACCOUNT_PAGE}", status=303)
    try:
        consent_give_own(
            user=request.user,
            purpose=purpose,
            notice_version=request.POST.get("notice_version", ""),
        )
    except ApplicationError as error:
        return _consent_refused(request, error)
    return HttpResponseRedirect(f"{ACCOUNT_PAGE}#consents", status=303)


@require_POST
def consent_revoke_view(request: HttpRequest, consent_id: int) -> HttpResponse:
    """One tap: the person withdraws one of their own consents."""
    _county_only(request)
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('accounts:login')}?next={ACCOUNT_PAGE}", status=303)
    try:
        consent_revoke_own(user=request.user, consent_id=consent_id)
    except ApplicationError as error:
        return _consent_refused(request, error)
    return HttpResponseRedirect(f"{ACCOUNT_PAGE}#consents", status=303)
