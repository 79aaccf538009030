"""Checkout choices and the resident's orders: GET /service-points/, /delivery-zones/;
POST/GET /orders/, GET /orders/{number}/, POST /orders/{number}/cancel/.

POST /orders/ needs an Idempotency-Key header: the same key again (a retry on a slow network,
a double tap) returns the order the first call made, 201 the first time and 200 after, with
the same body (county_sites.orders.services.order_place keeps (buyer, key) unique).
Another resident's order, or another county's, is a 404.
"""

from django.http import Http404
from ninja import Router, Status
from ninja.pagination import paginate

from county_sites.api.auth import resident_auth
from county_sites.api.pagination import PagePagination
from county_sites.api.schemas.common import RESIDENT_ERRORS, ErrorOut
from county_sites.api.schemas.orders import (
    CancelIn,
    DeliveryZoneOut,
    OrderDetailOut,
    OrderIn,
    OrderOut,
    ServicePointOut,
)
from county_sites.orders.selectors import (
    cart_lines_for_user,
    delivery_zones_active,
    order_get_for_buyer,
    order_list_for_buyer,
)
from county_sites.orders.services import cart_clear, order_cancel, order_place
from service_points.selectors import service_point_list_open

router = Router(tags=["orders"], auth=resident_auth)


def own_order(request, number: str):
    """The caller's order with lines and events, or 404 (also for anyone else's)."""
    order = order_get_for_buyer(buyer=request.auth, number=number)
    if order is None:
        raise Http404
    return order


@router.get("/service-points/", response=list[ServicePointOut], auth=None)
def service_points(request):
    """Open service points for pickup, by village."""
    return service_point_list_open()


@router.get("/delivery-zones/", response=list[DeliveryZoneOut], auth=None)
def delivery_zones(request):
    return delivery_zones_active()


IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 64},
    "description": "A new random value per checkout (e.g. a UUID), reused on every retry of it.",
}


# Required in the document; a missing key still reaches order_place, whose refusal
# (MSG_KEY_INVALID, 400) is the checkout page's message.
@router.post(
    "/orders/",
    response={200: OrderDetailOut, 201: OrderDetailOut, **RESIDENT_ERRORS},
    openapi_extra={"parameters": [IDEMPOTENCY_HEADER]},
)
def order_create(request, payload: OrderIn):
    """Place an order of the cart (or of `lines`). Refusals are the checkout page's: 400 with
    the service's message, nothing reserved, the cart unchanged."""
    buyer = request.auth
    from_cart = payload.lines is None
    if from_cart:
        lines = [(line.listing_id, line.quantity) for line in cart_lines_for_user(user=buyer)]
    else:
        lines = [(line.listing_id, line.quantity) for line in payload.lines]
    order = order_place(
        buyer=buyer,
        lines=lines,
        fulfilment=payload.fulfilment,
        payment_method=payload.payment_method,
        service_point=payload.service_point_id,
        delivery_zone=payload.delivery_zone_id,
        delivery_address=payload.delivery_address,
        contact_mobile=payload.contact_mobile,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    if order.was_placed and from_cart:
        cart_clear(user=buyer, listing_ids=order.lines.values_list("listing_id", flat=True))
    status = 201 if order.was_placed else 200
    return Status(status, own_order(request, order.number))


@router.get("/orders/", response={200: list[OrderOut], **RESIDENT_ERRORS})
@paginate(PagePagination)
def orders(request):
    """The caller's orders, newest first."""
    return order_list_for_buyer(buyer=request.auth)


@router.get("/orders/{number}/", response={200: OrderDetailOut, 404: ErrorOut,
                                           **RESIDENT_ERRORS})  # fmt: skip
def order_detail(request, number: str):
    return own_order(request, number)


@router.post("/orders/{number}/cancel/", response={200: OrderDetailOut,
                                                   404: ErrorOut, **RESIDENT_ERRORS})  # fmt: skip
def order_cancel_view(request, number: str, payload: CancelIn | None = None):
    """Cancel an order not yet being prepared; its stock goes back."""
    order = own_order(request, number)
    order_cancel(order=order, actor=request.auth, reason=payload.reason if payload else "")
    return own_order(request, number)
