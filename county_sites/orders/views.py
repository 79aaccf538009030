"""Resident pages on a county host: cart, checkout, order history and tracking, cancel and
refund requests (a seller's orders are farmers' /seller/orders/). Views only parse the
request and call services/selectors; refusals come back as 400 with the service's message."""

import uuid

from django.contrib.auth.decorators import login_required as _login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import ApplicationError
from core.media import media_response
from core.money import yuan
from county_sites.credit.selectors import credit_draw_for_order, credit_line_summary, credit_quote
from county_sites.credit.services import MSG_NO_LINE
from county_sites.orders.models import Order
from county_sites.orders.selectors import (
    SESSION_CART,
    cart_lines_for_user,
    delivery_zones_active,
    listings_for_session_cart,
    order_get_for_buyer,
    order_lines_open_for_refund,
    order_list_for_buyer,
    order_refundable_fen,
    refund_photo_get,
)
from county_sites.orders.services import (
    cart_clear,
    cart_line_check,
    cart_line_remove,
    cart_line_set,
    order_cancel,
    order_pay_start,
    order_place,
    refund_request_create,
    refund_request_lines_create,
)
from county_sites.orders.services.credit import MSG_CREDIT_TERM_REQUIRED
from county_sites.orders.services.refunds import MSG_REFUND_LINES_INVALID
from county_sites.payments.services import payment_callback_urls
from service_points.selectors import service_point_list_open

# Residents sign in by SMS at /account/login/ (accounts), then come back here.
login_required = _login_required(login_url=reverse_lazy("accounts:login"))


def _cart_items(request) -> list[tuple]:
    """(listing, quantity) of the visitor's cart: their DB cart, or the session's."""
    if request.user.is_authenticated:
        return [(line.listing, line.quantity) for line in cart_lines_for_user(user=request.user)]
    return listings_for_session_cart(session_lines=request.session.get(SESSION_CART, {}))


def cart_view(request, *, error: str = "", status: int = 200):
    items = [
        {"listing": listing, "quantity": quantity, "total_fen": listing.price_fen * quantity}
        for listing, quantity in _cart_items(request)
    ]
    total = sum(item["total_fen"] for item in items)
    return render(
        request,
        "orders/cart.html",
        {"items": items, "total_yuan": yuan(total), "error": error},
        status=status,
    )


@require_POST
def cart_add(request):
    """Add or change a cart line: the DB cart when signed in, else the session."""
    listing_id = request.POST.get("listing", "")
    quantity = request.POST.get("quantity", "1")
    try:
        # ASCII digits of a bigint at most: anything else names no listing.
        if not (listing_id.isascii() and listing_id.isdigit() and len(listing_id) <= 18):
            raise Http404
        if request.user.is_authenticated:
            cart_line_set(user=request.user, listing_id=int(listing_id), quantity=quantity)
        else:
            listing, quantity = cart_line_check(listing_id=int(listing_id), quantity=quantity)
            session_cart = dict(request.session.get(SESSION_CART, {}))
            session_cart[str(listing.pk)] = quantity
            request.session[SESSION_CART] = session_cart
    except ApplicationError as error:
        return cart_view(request, error=str(error.message), status=400)
    return HttpResponseRedirect(reverse("orders:cart"), status=303)


@require_POST
def cart_remove(request):
    listing_id = request.POST.get("listing", "")
    if request.user.is_authenticated and listing_id.isdigit():
        cart_line_remove(user=request.user, listing_id=int(listing_id))
    else:
        session_cart = dict(request.session.get(SESSION_CART, {}))
        session_cart.pop(listing_id, None)
        request.session[SESSION_CART] = session_cart
    return HttpResponseRedirect(reverse("orders:cart"), status=303)


def _checkout_page(request, *, error: str = "", status: int = 200, data=None):
    lines = cart_lines_for_user(user=request.user)
    total = sum(line.listing.price_fen * line.quantity for line in lines)
    credit = credit_line_summary(user=request.user)
    return render(
        request,
        "orders/checkout.html",
        {
            "lines": lines,
            "lines_total_yuan": yuan(total),
            "credit": credit,
            "credit_quotes": credit_quote(line=credit.line, amount_fen=total) if credit else [],
            "points": service_point_list_open(),
            "zones": delivery_zones_active(),
            # A new key per checkout page: resubmitting this page (double tap, retry on a
            # slow network) sends the same key and gets the same order.
            "idempotency_key": (data or {}).get("idempotency_key") or uuid.uuid4().hex,
            "data": data or {},
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request):
    if request.method == "GET":
        return _checkout_page(request)
    data = request.POST
    lines = cart_lines_for_user(user=request.user)
    if data.get("payment_method") == Order.PaymentMethod.CREDIT_LINE and not data.get(
        "credit_confirmed"
    ):
        return _credit_confirm_page(request, lines=lines, data=data)
    try:
        order = order_place(
            buyer=request.user,
            lines=[(line.listing_id, line.quantity) for line in lines],
            fulfilment=data.get("fulfilment", ""),
            service_point=_int_or_none(data.get("service_point")),
            delivery_zone=_int_or_none(data.get("delivery_zone")),
            delivery_address=data.get("delivery_address", ""),
            payment_method=data.get("payment_method", ""),
            idempotency_key=data.get("idempotency_key", ""),
            credit_term=data.get("credit_term"),
        )
    except ApplicationError as error:
        return _checkout_page(request, error=str(error.message), status=400, data=data)
    if order.was_placed:
        cart_clear(user=request.user, listing_ids=order.lines.values_list("listing_id", flat=True))
    detail = reverse("orders:detail", args=[order.number])
    if order.is_bank_gateway and order.state == Order.State.PLACED:
        try:
            url = order_pay_start(
                order=order,
                **payment_callback_urls(number=order.number),
            )
        except ApplicationError:
            url = None  # the order page offers "pay" again
        if url:
            return HttpResponseRedirect(url, status=303)
    return HttpResponseRedirect(detail, status=303)


def _credit_confirm_page(request, *, lines, data):
    """Paying later: before the order is placed, the exact schedule of the chosen term for
    what will be drawn (the lines, plus the zone's fee for delivery), its interest and fee,
    and one button to confirm. Nothing is reserved or drawn until that button."""
    credit = credit_line_summary(user=request.user)
    if credit is None:
        return _checkout_page(request, error=str(MSG_NO_LINE), status=400, data=data)
    total = sum(line.listing.price_fen * line.quantity for line in lines)
    if data.get("fulfilment") == Order.Fulfilment.DELIVERY:
        zone_id = _int_or_none(data.get("delivery_zone"))
        zone = next((zone for zone in delivery_zones_active() if zone.pk == zone_id), None)
        total += zone.fee_fen if zone else 0
    quote = next(
        (
            quote
            for quote in credit_quote(line=credit.line, amount_fen=total)
            if str(quote.term_months) == data.get("credit_term", "")
        ),
        None,
    )
    if quote is None or not total:
        return _checkout_page(request, error=str(MSG_CREDIT_TERM_REQUIRED), status=400, data=data)
    return render(
        request,
        "orders/checkout_credit_confirm.html",
        {
            "credit": credit,
            "quote": quote,
            "total_yuan": yuan(total),
            "data": data,
            "fields": [(name, data.get(name, "")) for name in CHECKOUT_FIELDS],
        },
    )


# What the credit confirmation page carries to the order it confirms.
CHECKOUT_FIELDS = (
    "idempotency_key", "fulfilment", "service_point", "delivery_zone", "delivery_address",
    "payment_method", "credit_term",
)  # fmt: skip


def _int_or_none(value):
    return int(value) if value and str(value).isdigit() else None


@login_required
def order_list(request):
    return render(
        request, "orders/order_list.html", {"orders": order_list_for_buyer(buyer=request.user)}
    )


def _own_order(request, number: str) -> Order:
    order = order_get_for_buyer(buyer=request.user, number=number)
    if order is None:
        raise Http404
    return order


@login_required
def order_detail(request, number: str, *, error: str = "", status: int = 200):
    """Confirmation and tracking page of the buyer's own order (anyone else's is a 404)."""
    order = _own_order(request, number)
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "lines": order.lines.all(),
            "events": order.events.all(),
            "refund_requests": order.refund_requests.all(),
            "credit_draw": credit_draw_for_order(order=order) if order.is_credit else None,
            "today": timezone.localdate(),
            "error": error or request.GET.get("error", ""),
        },
        status=status,
    )


@login_required
@require_POST
def order_cancel_view(request, number: str):
    order = _own_order(request, number)
    try:
        order_cancel(order=order, actor=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        return order_detail(request, number, error=str(error.message), status=400)
    return HttpResponseRedirect(reverse("orders:detail", args=[number]), status=303)


@login_required
@require_http_methods(["GET", "POST"])
def refund_request_view(request, number: str):
    """The buyer's refund request: the whole order, or (an online order of several lines) the
    lines they tick, with a reason and up to 3 photos."""
    order = _own_order(request, number)
    open_lines = order_lines_open_for_refund(order=order)
    error, status = "", 200
    if request.method == "POST":
        try:
            chosen = _refund_lines_chosen(request, open_lines)
            common = {
                "order": order,
                "reason": request.POST.get("reason", ""),
                "photos": request.FILES.getlist("photos"),
            }
            if chosen:
                refund_request_lines_create(actor=request.user, lines=chosen, **common)
            else:
                refund_request_create(buyer=request.user, **common)
        except ApplicationError as refusal:
            error, status = str(refusal.message), 400
        else:
            return HttpResponseRedirect(reverse("orders:detail", args=[number]), status=303)
    return render(
        request,
        "orders/refund_request.html",
        {
            "order": order,
            "error": error,
            # Choosing lines only makes sense with more than one to choose from.
            "lines": open_lines if len(open_lines) > 1 else [],
            "chosen": set(request.POST.getlist("lines")),
            "refundable_fen": order_refundable_fen(order),
        },
        status=status,
    )


def _refund_lines_chosen(request, open_lines) -> list[int]:
    """The line ids ticked, or [] for the whole order (nothing ticked, or every open line)."""
    raw = request.POST.getlist("lines")
    if not all(value.isdigit() for value in raw):
        raise ApplicationError(MSG_REFUND_LINES_INVALID, field="lines")
    chosen = {int(value) for value in raw}
    if not chosen or chosen == {line.pk for line in open_lines}:
        return []
    return sorted(chosen)


@login_required
@require_safe
def refund_photo(request, refund_id: int, photo_id: int):
    """A photo the buyer attached to their own refund request (another's is a 404)."""
    photo = refund_photo_get(refund_request_id=refund_id, photo_id=photo_id, buyer=request.user)
    if photo is None:
        raise Http404
    return media_response(
        request, photo.image.storage, photo.image.name, cache_control="private, no-cache"
    )
