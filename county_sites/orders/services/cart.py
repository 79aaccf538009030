"""Carts: a signed-in resident's cart lines, and an anonymous visitor's session cart merged on
sign-in. Stock is not reserved here; order_place does that at checkout."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.limits import QUANTITY_MAX
from county_sites.orders.models import Cart, CartLine
from farmers.models import Listing

MSG_LISTING_UNAVAILABLE = _("“%(title)s”已下架或不存在，请从购物车中移除。")
MSG_BELOW_MINIMUM = _("“%(title)s”起订量为 %(min)s，请增加数量。")
MSG_QUANTITY_INVALID = _("数量必须是大于0的整数。")
MSG_QUANTITY_TOO_LARGE = _("每件商品一次最多买 %(max)s。")


def quantity_check(value) -> int:
    """A quantity as a whole number from 1 to QUANTITY_MAX, or the refusal."""
    try:
        quantity = int(value)
    except (TypeError, ValueError):
        raise ApplicationError(MSG_QUANTITY_INVALID, field="quantity") from None
    if quantity < 1:
        raise ApplicationError(MSG_QUANTITY_INVALID, field="quantity")
    if quantity > QUANTITY_MAX:
        raise ApplicationError(MSG_QUANTITY_TOO_LARGE % {"max": QUANTITY_MAX}, field="quantity")
    return quantity


def cart_line_check(*, listing_id: int, quantity) -> tuple[Listing, int]:
    """The live listing and a valid quantity for a cart line (stock is checked at checkout)."""
    quantity = quantity_check(quantity)
    listing = Listing.objects.filter(pk=listing_id).first()
    if listing is None or listing.state != Listing.State.APPROVED:
        title = listing.title if listing else ""
        raise ApplicationError(MSG_LISTING_UNAVAILABLE % {"title": title}, field="listing")
    if quantity < listing.min_order_qty:
        raise ApplicationError(
            MSG_BELOW_MINIMUM % {"title": listing.title, "min": listing.min_order_qty},
            field="quantity",
        )
    return listing, quantity


@transaction.atomic
def cart_line_set(*, user, listing_id: int, quantity) -> CartLine:
    """Put `quantity` of a live listing in the user's cart (replacing what was there)."""
    listing, quantity = cart_line_check(listing_id=listing_id, quantity=quantity)
    cart, _created = Cart.objects.get_or_create(user=user)
    line, _created = CartLine.objects.update_or_create(
        cart=cart, listing=listing, defaults={"quantity": quantity}
    )
    return line


@transaction.atomic
def cart_line_remove(*, user, listing_id: int) -> None:
    CartLine.objects.filter(cart__user=user, listing_id=listing_id).delete()


@transaction.atomic
def cart_clear(*, user, listing_ids: Iterable[int] | None = None) -> None:
    lines = CartLine.objects.filter(cart__user=user)
    if listing_ids is not None:
        lines = lines.filter(listing_id__in=list(listing_ids))
    lines.delete()


@transaction.atomic
def cart_merge(*, user, session_lines: dict) -> int:
    """Merge an anonymous visitor's session cart ({listing id: quantity}) into their cart on
    sign-in: the larger quantity wins; lines no longer orderable are dropped. Returns how
    many lines were merged."""
    merged = 0
    if not session_lines:
        return merged
    cart, _created = Cart.objects.get_or_create(user=user)
    existing = dict(cart.lines.values_list("listing_id", "quantity"))
    for raw_id, raw_quantity in session_lines.items():
        try:
            listing, quantity = cart_line_check(listing_id=int(raw_id), quantity=raw_quantity)
        except (ApplicationError, ValueError):
            continue
        quantity = max(quantity, existing.get(listing.pk, 0))
        CartLine.objects.update_or_create(
            cart=cart, listing=listing, defaults={"quantity": quantity}
        )
        merged += 1
    return merged
