"""The seller's own pages on a county host (/seller/): a phone, no JavaScript needed.

Only a signed-in user linked to a Seller (Seller.user) gets in; anyone else is sent to the
phone login. A listing is looked up among the seller's own, so another seller's id is a 404.
Views parse the request and call farmers.services; a refusal (ApplicationError) comes back as
the same page with its message and a 400, and nothing is saved.
"""

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.sessions import SESSION_VERIFIED_MOBILE
from core.errors import ApplicationError
from county_sites.ledger.selectors import seller_statement
from county_sites.orders.selectors import seller_order_lines
from farmers.forms.seller import BatchForm, CertificationForm, ListingForm, StockForm
from farmers.images import MAX_PHOTOS_PER_LISTING
from farmers.models import Listing
from farmers.selectors import (
    listing_get_for_seller,
    listing_list_for_seller,
    seller_get_for_user,
)
from farmers.services import (
    listing_certification_add,
    listing_certification_remove,
    listing_create,
    listing_delist,
    listing_photo_remove,
    listing_photos_add,
    listing_relist,
    listing_stock_set,
    listing_submit,
    listing_update,
    seller_claim_by_verified_mobile,
    traceability_batch_create,
)
from farmers.views.photos import listing_photo_response

State = Listing.State

MSG_CREATED = _("已保存草稿“%(title)s”。添加照片后，点“提交审核”。")
MSG_SAVED = _("已保存。")
MSG_SAVED_BACK_TO_REVIEW = _("已保存。修改了价格和库存以外的内容，商品已重新提交审核。")
MSG_STOCK_SAVED = _("“%(title)s”库存已改为 %(stock)s。")
MSG_PHOTOS_ADDED = _("已添加 %(count)s 张照片。")
MSG_NO_PHOTO_CHOSEN = _("请先拍照或选择照片。")
MSG_PHOTO_REMOVED = _("已删除照片。")
MSG_SUBMITTED = _("“%(title)s”已提交审核，审核通过后上架。")
MSG_DELISTED = _("“%(title)s”已下架。")
MSG_RELISTED = _("“%(title)s”：%(state)s。")
MSG_CERTIFICATION_ADDED = _("已添加认证。")
MSG_CERTIFICATION_REMOVED = _("已删除认证。")
MSG_BATCH_ADDED = _("已添加溯源批次 %(code)s。")

# A statement covers the current month unless the seller picks other dates.
STATEMENT_MAX_DAYS = 366


def seller_required(view):
    """Let in only a signed-in seller, as `request.seller`; send anyone else to the phone
    login, coming back here after."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        seller = seller_get_for_user(user=request.user)
        verified_mobile = request.session.get(SESSION_VERIFIED_MOBILE)
        if verified_mobile and (seller is None or seller.mobile_verified_at is None):
            seller = (
                seller_claim_by_verified_mobile(user=request.user, mobile=verified_mobile) or seller
            )
        if seller is None:
            return redirect_to_login(request.get_full_path(), login_url=reverse("accounts:login"))
        request.seller = seller
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def _listing_or_404(request: HttpRequest, listing_id: int) -> Listing:
    listing = listing_get_for_seller(seller=request.seller, listing_id=listing_id)
    if listing is None:
        raise Http404
    return listing


def _see_other(url: str) -> HttpResponseRedirect:
    # 303: the browser comes back with GET, so a reload does not post again.
    return HttpResponseRedirect(url, status=303)


def _edit_url(listing: Listing, anchor: str = "") -> str:
    url = reverse("farmers:seller_listing_edit", args=[listing.pk])
    return f"{url}#{anchor}" if anchor else url


def _add_error(form, error: ApplicationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


# ------------------------------------------------------------------------------
# My listings and the two-tap stock update
# ------------------------------------------------------------------------------
def _render_home(request, *, stock_error: dict | None = None, status: int = 200):
    listings = list(listing_list_for_seller(seller=request.seller))
    for listing in listings:
        photos = list(listing.photos.all())
        listing.cover = photos[0] if photos else None
    return render(
        request,
        "farmers/seller/home.html",
        {
            "seller": request.seller,
            "listings": listings,
            "stock_error": stock_error or {},
            "State": State,
            "tab": "home",
        },
        status=status,
    )


@seller_required
@require_http_methods(["GET"])
def seller_home(request: HttpRequest) -> HttpResponse:
    """My listings: state, price, the reason a listing was not approved, and stock to change
    in two taps (the number, then 保存)."""
    return _render_home(request)


@seller_required
@require_POST
def seller_listing_stock(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = _listing_or_404(request, listing_id)
    form = StockForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(form.errors["stock"][0], field="stock")
        listing = listing_stock_set(
            actor=request.user, listing=listing, stock=form.cleaned_data["stock"]
        )
    except ApplicationError as error:
        stock_error = {
            "listing_id": listing.pk,
            "message": str(error.message),
            "value": request.POST.get("stock", ""),
        }
        return _render_home(request, stock_error=stock_error, status=400)
    messages.success(request, MSG_STOCK_SAVED % {"title": listing.title, "stock": listing.stock})
    return _see_other(reverse("farmers:seller_home") + f"#listing-{listing.pk}")


# ------------------------------------------------------------------------------
# Add and edit a listing
# ------------------------------------------------------------------------------
@seller_required
@require_http_methods(["GET", "POST"])
def seller_listing_new(request: HttpRequest) -> HttpResponse:
    form = ListingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            listing = listing_create(
                actor=request.user, seller=request.seller, **form.listing_fields()
            )
        except ApplicationError as error:
            _add_error(form, error)
        else:
            messages.success(request, MSG_CREATED % {"title": listing.title})
            return _see_other(_edit_url(listing, "photos"))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "farmers/seller/listing_form.html",
        {"form": form, "listing": None, "seller": request.seller, "tab": "home"},
        status=status,
    )


def _render_edit(request, listing: Listing, *, status: int = 200, **forms) -> HttpResponse:
    photos = list(listing.photos.all())
    context = {
        "seller": request.seller,
        "listing": listing,
        "form": forms.get("form") or ListingForm(initial=ListingForm.initial_for(listing)),
        "photos": photos,
        "photo_error": forms.get("photo_error", ""),
        "photos_left": max(0, MAX_PHOTOS_PER_LISTING - len(photos)),
        "max_photos": MAX_PHOTOS_PER_LISTING,
        "certifications": list(listing.certifications.all()),
        "certification_form": forms.get("certification_form") or CertificationForm(),
        "batches": list(listing.batches.all()),
        "batch_form": forms.get("batch_form") or BatchForm(),
        "action_error": forms.get("action_error", ""),
        "State": State,
        "tab": "home",
    }
    return render(request, "farmers/seller/listing_edit.html", context, status=status)


@seller_required
@require_http_methods(["GET", "POST"])
def seller_listing_edit(request: HttpRequest, listing_id: int) -> HttpResponse:
    """The listing's page: its fields, photos, certifications, batches and what to do next."""
    listing = _listing_or_404(request, listing_id)
    if request.method == "GET":
        return _render_edit(request, listing)
    form = ListingForm(request.POST, initial=ListingForm.initial_for(listing))
    if form.is_valid():
        was_live = listing.state == State.APPROVED
        try:
            # listing_update applies only what differs, and decides whether it is reviewed.
            listing = listing_update(actor=request.user, listing=listing, **form.listing_fields())
        except ApplicationError as error:
            _add_error(form, error)
        else:
            back_to_review = was_live and listing.state == State.SUBMITTED
            messages.success(request, MSG_SAVED_BACK_TO_REVIEW if back_to_review else MSG_SAVED)
            return _see_other(_edit_url(listing))
    listing = _listing_or_404(request, listing_id)
    return _render_edit(request, listing, form=form, status=400)


@seller_required
@require_POST
def seller_listing_photos_add(request: HttpRequest, listing_id: int) -> HttpResponse:
    """Photos from the camera or the gallery (both inputs are named `photos`), all or none."""
    listing = _listing_or_404(request, listing_id)
    uploads = [upload for upload in request.FILES.getlist("photos") if upload.size or upload.name]
    try:
        if not uploads:
            raise ApplicationError(MSG_NO_PHOTO_CHOSEN, field="photo")
        photos = listing_photos_add(actor=request.user, listing=listing, images=uploads)
    except ApplicationError as error:
        listing = _listing_or_404(request, listing_id)
        return _render_edit(request, listing, photo_error=str(error.message), status=400)
    messages.success(request, MSG_PHOTOS_ADDED % {"count": len(photos)})
    return _see_other(_edit_url(listing, "photos"))


@seller_required
@require_POST
def seller_listing_photo_remove(request: HttpRequest, listing_id: int, photo_id: int):
    listing = _listing_or_404(request, listing_id)
    photo = next((photo for photo in listing.photos.all() if photo.pk == photo_id), None)
    if photo is None:
        raise Http404
    listing_photo_remove(actor=request.user, photo=photo)
    messages.success(request, MSG_PHOTO_REMOVED)
    return _see_other(_edit_url(listing, "photos"))


@seller_required
@require_http_methods(["GET"])
def seller_listing_photo(request: HttpRequest, listing_id: int, photo_id: int):
    """A photo of one of the seller's listings, for their own pages: the thumbnail once the
    renditions are made, the stored JPEG until then. Media is not served publicly here."""
    listing = _listing_or_404(request, listing_id)
    photo = next((photo for photo in listing.photos.all() if photo.pk == photo_id), None)
    if photo is None:
        raise Http404
    return listing_photo_response(request, photo, "thumb")


# ------------------------------------------------------------------------------
# Moderation steps the seller takes
# ------------------------------------------------------------------------------
def _state_action(request, listing_id: int, action, message) -> HttpResponse:
    listing = _listing_or_404(request, listing_id)
    try:
        listing = action(actor=request.user, listing=listing)
    except ApplicationError as error:
        listing = _listing_or_404(request, listing_id)
        return _render_edit(request, listing, action_error=str(error.message), status=400)
    messages.success(
        request, message % {"title": listing.title, "state": listing.get_state_display()}
    )
    if request.POST.get("back") == "home":
        return _see_other(reverse("farmers:seller_home") + f"#listing-{listing.pk}")
    return _see_other(_edit_url(listing))


@seller_required
@require_POST
def seller_listing_submit(request: HttpRequest, listing_id: int) -> HttpResponse:
    return _state_action(request, listing_id, listing_submit, MSG_SUBMITTED)


@seller_required
@require_POST
def seller_listing_delist(request: HttpRequest, listing_id: int) -> HttpResponse:
    return _state_action(request, listing_id, listing_delist, MSG_DELISTED)


@seller_required
@require_POST
def seller_listing_relist(request: HttpRequest, listing_id: int) -> HttpResponse:
    return _state_action(request, listing_id, listing_relist, MSG_RELISTED)


# ------------------------------------------------------------------------------
# Certifications and traceability batches
# ------------------------------------------------------------------------------
@seller_required
@require_POST
def seller_certification_add(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = _listing_or_404(request, listing_id)
    form = CertificationForm(request.POST)
    if form.is_valid():
        try:
            listing_certification_add(actor=request.user, listing=listing, **form.cleaned_data)
        except ApplicationError as error:
            _add_error(form, error)
        else:
            messages.success(request, MSG_CERTIFICATION_ADDED)
            return _see_other(_edit_url(listing, "certifications"))
    listing = _listing_or_404(request, listing_id)
    return _render_edit(request, listing, certification_form=form, status=400)


@seller_required
@require_POST
def seller_certification_remove(request: HttpRequest, listing_id: int, certification_id: int):
    listing = _listing_or_404(request, listing_id)
    certification = next(
        (item for item in listing.certifications.all() if item.pk == certification_id), None
    )
    if certification is None:
        raise Http404
    listing_certification_remove(actor=request.user, certification=certification)
    messages.success(request, MSG_CERTIFICATION_REMOVED)
    return _see_other(_edit_url(listing, "certifications"))


@seller_required
@require_POST
def seller_batch_add(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = _listing_or_404(request, listing_id)
    form = BatchForm(request.POST)
    if form.is_valid():
        try:
            batch = traceability_batch_create(
                actor=request.user, listing=listing, **form.cleaned_data
            )
        except ApplicationError as error:
            _add_error(form, error)
        else:
            messages.success(request, MSG_BATCH_ADDED % {"code": batch.batch_code})
            return _see_other(_edit_url(listing, "batches"))
    listing = _listing_or_404(request, listing_id)
    return _render_edit(request, listing, batch_form=form, status=400)


# ------------------------------------------------------------------------------
# Orders for my items and my statement
# ------------------------------------------------------------------------------
@seller_required
@require_http_methods(["GET"])
def seller_orders(request: HttpRequest) -> HttpResponse:
    lines = seller_order_lines(seller=request.seller)
    return render(
        request,
        "farmers/seller/orders.html",
        {"seller": request.seller, "lines": lines, "tab": "orders"},
    )


def _statement_period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """The dates asked for, else this month so far; a bad or too long range falls back too."""
    today = timezone.localdate()
    default = (today.replace(day=1), today)
    try:
        date_from = dt.date.fromisoformat(request.GET.get("from", ""))
        date_to = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        return default
    if date_to < date_from or (date_to - date_from).days > STATEMENT_MAX_DAYS:
        return default
    return date_from, date_to


@seller_required
@require_http_methods(["GET"])
def seller_statement_view(request: HttpRequest) -> HttpResponse:
    date_from, date_to = _statement_period(request)
    statement = seller_statement(seller=request.seller, date_from=date_from, date_to=date_to)
    return render(
        request,
        "farmers/seller/statement.html",
        {"seller": request.seller, "statement": statement, "tab": "statement"},
    )
