"""The villagers a point serves: search, register with consent (own phone, a family member's
phone, or a signed paper form), a villager's page with their consents, and listing produce
for them at the counter.

A villager is always looked up through the clerk's own point (service_points.selectors), so
another point's villager, or an unknown id, is a 404. The registration waiting for its code
is kept in the clerk's session between the two steps, never in the page.
"""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.models import Consent
from accounts.privacy import platform_notice_current, purpose_notice
from accounts.selectors import consent_current, consent_list_for_user, user_sms_mobile
from accounts.services import (
    SmsThrottledError,
    consent_assisted_code_send,
    consent_assisted_record,
)
from core.client_ip import client_ip
from core.errors import ApplicationError
from core.media import media_response
from county_sites.clerk.forms import AssistedListingForm
from county_sites.clerk.views.base import clerk_required
from farmers.models import Seller
from service_points.selectors import (
    assisted_listings_for_villager,
    clerk_names_by_user,
    point_villager_get,
    point_villager_search,
)
from service_points.services import (
    ASSISTED_LISTING_PHOTOS_MAX,
    RegistrationHow,
    assisted_listing_create,
    villager_register,
    villager_register_start,
)

SESSION_REGISTRATION = "clerk_registration"
REGISTRATION_FIELDS = ("how", "mobile", "name", "proxy_mobile", "proxy_relation")


def _see_other(url: str) -> HttpResponseRedirect:
    # 303: the browser comes back with GET, so a reload does not post again.
    return HttpResponseRedirect(url, status=303)


def _villager_or_404(request: HttpRequest, user_id: int):
    link = point_villager_get(point=request.point, user_id=user_id)
    if link is None:
        raise Http404
    return link


def _refusal_status(error: ApplicationError) -> int:
    return 429 if isinstance(error, SmsThrottledError) else 400


# ------------------------------------------------------------------------------
# Search
# ------------------------------------------------------------------------------
@clerk_required
@require_http_methods(["GET"])
def console_villagers(request: HttpRequest) -> HttpResponse:
    """The point's villagers: by part of the mobile or the name; the newest when no query."""
    query = (request.GET.get("q") or "").strip()
    return render(
        request,
        "clerk/console/villagers.html",
        {
            "point": request.point,
            "query": query,
            "links": point_villager_search(point=request.point, query=query),
        },
    )


# ------------------------------------------------------------------------------
# Registration, step 1: who, and how they confirm
# ------------------------------------------------------------------------------
def _render_register(request, *, values=None, error=None, status=200) -> HttpResponse:
    return render(
        request,
        "clerk/console/villager_register.html",
        {
            "point": request.point,
            "notice": platform_notice_current(),
            "values": values or {},
            "error": error,
            "How": RegistrationHow,
        },
        status=status,
    )


@clerk_required
@require_http_methods(["GET", "POST"])
def console_villager_register(request: HttpRequest) -> HttpResponse:
    """The privacy notice in full, then one of three forms: the villager's own mobile, a
    family member's mobile, or the paper form alone. Sends the code (own and family) and goes
    on to step 2; a refusal shows the page again with the reason."""
    if request.method == "GET":
        return _render_register(request)
    values = {name: (request.POST.get(name) or "").strip() for name in REGISTRATION_FIELDS}
    try:
        registration = villager_register_start(
            clerk_user=request.user, ip=client_ip(request), **values
        )
    except ApplicationError as error:
        response = _render_register(
            request, values=values, error=error, status=_refusal_status(error)
        )
        if getattr(error, "retry_after", None):
            response["Retry-After"] = str(error.retry_after)
        return response
    request.session[SESSION_REGISTRATION] = {
        "how": registration.how,
        "mobile": registration.mobile,
        "name": registration.name,
        "proxy_mobile": registration.proxy_mobile,
        "proxy_relation": registration.proxy_relation,
    }
    return _see_other(reverse("clerk:console_villager_confirm"))


# ------------------------------------------------------------------------------
# Registration, step 2: the code, or the photo of the signed form
# ------------------------------------------------------------------------------
def _render_confirm(request, pending: dict, *, error=None, status=200) -> HttpResponse:
    return render(
        request,
        "clerk/console/villager_confirm.html",
        {
            "point": request.point,
            "pending": pending,
            "needs_code": pending["how"] in (RegistrationHow.OWN, RegistrationHow.PROXY),
            "needs_photo": pending["how"] in (RegistrationHow.PROXY, RegistrationHow.PAPER),
            "error": error,
            "How": RegistrationHow,
        },
        status=status,
    )


@clerk_required
@require_http_methods(["GET", "POST"])
def console_villager_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: the code the villager (or family member) reads out, and the photo of the
    signed form when they have no phone. Only the right code writes anything: the account
    (found, never duplicated), its link to this point and the consent."""
    pending = request.session.get(SESSION_REGISTRATION)
    if not pending:
        return _see_other(reverse("clerk:console_villager_register"))
    if request.method == "GET":
        return _render_confirm(request, pending)
    upload = request.FILES.get("photo")
    if upload is not None and not (upload.size or upload.name):
        upload = None
    try:
        link = villager_register(
            clerk_user=request.user,
            code=request.POST.get("code", ""),
            photo=upload,
            **pending,
        )
    except ApplicationError as error:
        return _render_confirm(request, pending, error=error, status=_refusal_status(error))
    request.session.pop(SESSION_REGISTRATION, None)
    return _see_other(reverse("clerk:console_villager", args=[link.user_id]))


# ------------------------------------------------------------------------------
# A villager's page at this point
# ------------------------------------------------------------------------------
@clerk_required
@require_http_methods(["GET"])
def console_villager(request: HttpRequest, user_id: int) -> HttpResponse:
    """One villager of this point: their consents (what, when, how, who), where their texts
    go, the listings entered for them here, and what the clerk can do for them."""
    link = _villager_or_404(request, user_id)
    consents = consent_list_for_user(user=link.user)
    names = clerk_names_by_user(user_ids={consent.recorded_by_id for consent in consents})
    for consent in consents:
        consent.recorder_name = names.get(consent.recorded_by_id, "")
    return render(
        request,
        "clerk/console/villager.html",
        {
            "point": request.point,
            "link": link,
            "villager": link.user,
            "consents": consents,
            "has_consent": consent_current(user=link.user) is not None,
            "sms_mobile": user_sms_mobile(user=link.user),
            "assisted": assisted_listings_for_villager(point=request.point, user_id=user_id),
            "notice": platform_notice_current(),
            "purposes": _assisted_purposes(),
        },
    )


# ------------------------------------------------------------------------------
# One more consent, taken at the counter (issue 11, point 4)
# ------------------------------------------------------------------------------
def _assisted_purposes() -> list[tuple[str, str]]:
    return [
        (value, label) for value, label in Consent.Purpose.choices if value != "platform_privacy"
    ]


def _consent_page(request, link, *, purpose: str, explanation: str, sent: bool, error="",
                  status=200):  # fmt: skip
    return render(
        request,
        "clerk/console/villager_consent.html",
        {
            "point": request.point,
            "villager": link.user,
            "purpose": purpose,
            "purpose_label": Consent.Purpose(purpose).label,
            "notice": purpose_notice(purpose),
            "explanation": explanation,
            "sent": sent,
            "error": error,
        },
        status=status,
    )


@clerk_required
@require_http_methods(["POST"])
def console_villager_consent(request: HttpRequest, user_id: int) -> HttpResponse:
    """Step 1 "send": the notice for the clerk to read out and explain, and the code texted to
    the villager's own phone. Step 2 "record": the code the villager reads out, with what the
    clerk explained; only then is the consent recorded (the clerk never consents for them)."""
    link = _villager_or_404(request, user_id)
    purpose = request.POST.get("purpose", "")
    if purpose not in dict(_assisted_purposes()):
        raise Http404
    explanation = request.POST.get("explanation", "")
    try:
        if request.POST.get("step") == "record":
            consent_assisted_record(
                clerk=request.user, user=link.user, purpose=purpose,
                code=request.POST.get("code", ""), explanation=explanation,
                point_name=request.point.name,
            )  # fmt: skip
            return _see_other(reverse("clerk:console_villager", args=[user_id]) + "?consented=1")
        if request.POST.get("step") == "send":
            consent_assisted_code_send(
                user=link.user, purpose=purpose, point_name=request.point.name,
                ip=client_ip(request),
            )  # fmt: skip
            return _consent_page(request, link, purpose=purpose, explanation=explanation, sent=True)
    except ApplicationError as error:
        return _consent_page(
            request, link, purpose=purpose, explanation=explanation,
            sent=request.POST.get("step") == "record", error=error.message,
            status=_refusal_status(error),
        )  # fmt: skip
    return _consent_page(request, link, purpose=purpose, explanation=explanation, sent=False)


@clerk_required
@require_http_methods(["GET"])
def console_villager_consent_photo(
    request: HttpRequest, user_id: int, consent_id: int
) -> HttpResponse:
    """The photo of a villager's signed form, for this point's clerk only (the county's media
    folder is not served publicly)."""
    link = _villager_or_404(request, user_id)
    consent = Consent.objects.filter(pk=consent_id, user=link.user).exclude(paper_photo="").first()
    if consent is None:
        raise Http404
    return media_response(
        request,
        consent.paper_photo.storage,
        consent.paper_photo.name,
        content_type="image/jpeg",
        cache_control="private, no-cache",
    )


# ------------------------------------------------------------------------------
# Listing produce for a villager at the counter
# ------------------------------------------------------------------------------
@clerk_required
@require_http_methods(["GET", "POST"])
def console_villager_list_produce(request: HttpRequest, user_id: int) -> HttpResponse:
    """Title, category, unit, price, the weighed quantity and 1 to 3 photos taken at the
    counter; submitted to the county's review queue as entered by this clerk at this point."""
    link = _villager_or_404(request, user_id)
    seller = Seller.objects.filter(user=link.user).first()
    form = AssistedListingForm(
        request.POST or None,
        initial={"seller_name": seller.name if seller else link.user.first_name},
    )
    error = None
    if request.method == "POST" and form.is_valid():
        photos = [photo for photo in request.FILES.getlist("photos") if photo.size]
        try:
            assisted_listing_create(
                clerk_user=request.user,
                villager_user_id=link.user_id,
                photos=photos,
                seller_url=request.build_absolute_uri(reverse("farmers:seller_home")),
                **form.listing_fields(),
            )
        except ApplicationError as error_:
            error = error_
        else:
            return _see_other(reverse("clerk:console_villager", args=[link.user_id]) + "?listed=1")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "clerk/console/villager_list_produce.html",
        {
            "point": request.point,
            "link": link,
            "villager": link.user,
            "seller": seller,
            "form": form,
            "error": error,
            "max_photos": ASSISTED_LISTING_PHOTOS_MAX,
            "has_consent": consent_current(user=link.user) is not None,
        },
        status=status,
    )
