"""The resident's cart: from the CartLine rows of orders.selectors.cart_lines_for_user (each
with its listing and seller)."""

from ninja import Schema

from core.money import yuan_sign
from county_sites.api.schemas.catalogue import ListingCard
from county_sites.api.schemas.common import Id, Quantity


def line_total_fen(line) -> int:
    return line.listing.price_fen * line.quantity


class CartLineIn(Schema):
    listing_id: Id
    quantity: Quantity = 1


class CartQuantityIn(Schema):
    quantity: Quantity


class CartLineOut(Schema):
    listing: ListingCard
    quantity: int
    line_total_fen: int
    line_total_display: str

    @staticmethod
    def resolve_line_total_fen(line) -> int:
        return line_total_fen(line)

    @staticmethod
    def resolve_line_total_display(line) -> str:
        return yuan_sign(line_total_fen(line))


# The whole cart, from the list of its lines.
class CartOut(Schema):
    lines: list[CartLineOut]
    total_fen: int
    total_display: str

    @staticmethod
    def resolve_lines(lines) -> list:
        return list(lines)

    @staticmethod
    def resolve_total_fen(lines) -> int:
        return sum(line_total_fen(line) for line in lines)

    @staticmethod
    def resolve_total_display(lines) -> str:
        return yuan_sign(sum(line_total_fen(line) for line in lines))
