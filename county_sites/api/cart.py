"""The signed-in resident's cart: GET/DELETE /cart/, POST /cart/lines/, PATCH and DELETE
/cart/lines/{listing_id}/. Every change goes through county_sites.orders.services and answers
with the whole cart."""

from django.http import Http404
from ninja import Router, Status

from county_sites.api.auth import resident_auth
from county_sites.api.schemas.cart import CartLineIn, CartOut, CartQuantityIn
from county_sites.api.schemas.common import RESIDENT_ERRORS, ErrorOut, Id
from county_sites.orders.selectors import cart_lines_for_user
from county_sites.orders.services import cart_clear, cart_line_remove, cart_line_set

router = Router(tags=["cart"], auth=resident_auth)


@router.get("/cart/", response={200: CartOut, **RESIDENT_ERRORS})
def cart_get(request):
    return cart_lines_for_user(user=request.auth)


@router.delete("/cart/", response={200: CartOut, **RESIDENT_ERRORS})
def cart_empty(request):
    cart_clear(user=request.auth)
    return cart_lines_for_user(user=request.auth)


@router.post("/cart/lines/", response={201: CartOut, **RESIDENT_ERRORS})
def cart_line_add(request, payload: CartLineIn):
    """Put `quantity` of a listing in the cart (replacing the quantity already there)."""
    cart_line_set(user=request.auth, listing_id=payload.listing_id, quantity=payload.quantity)
    return Status(201, cart_lines_for_user(user=request.auth))


@router.patch(
    "/cart/lines/{listing_id}/",
    response={200: CartOut, 404: ErrorOut, **RESIDENT_ERRORS},  # fmt: skip
)
def cart_line_change(request, listing_id: Id, payload: CartQuantityIn):
    if not any(line.listing_id == listing_id for line in cart_lines_for_user(user=request.auth)):
        raise Http404
    cart_line_set(user=request.auth, listing_id=listing_id, quantity=payload.quantity)
    return cart_lines_for_user(user=request.auth)


@router.delete("/cart/lines/{listing_id}/", response={200: CartOut, **RESIDENT_ERRORS})
def cart_line_delete(request, listing_id: Id):
    cart_line_remove(user=request.auth, listing_id=listing_id)
    return cart_lines_for_user(user=request.auth)
