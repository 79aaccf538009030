"""The basket a clerk builds for one villager at the counter (issue 9, point 5), before it is
sent for the villager's confirmation (county_sites.orders.services.assisted_order_send).

Kept in the clerk's session, not in a table: it lives for the few minutes at the counter, is
read by nothing but the console page that builds it and is gone when the clerk signs out; a
table would need cleaning up after abandoned baskets and would outlive the shift. It holds
only listing ids and quantities; prices and stock are read fresh on every page and checked
again when the order is placed. Keyed by point and villager, so a clerk moved to another
point carries nothing along and two villagers' baskets never mix.
"""

from dataclasses import dataclass

from core.money import yuan
from county_sites.catalogue.selectors import (
    listing_latest,
    listing_live_queryset,
    search_listings,
)
from farmers.models import Listing

SESSION_BASKETS = "clerk_baskets"
BASKET_MAX_LINES = 30
QUANTITY_MAX = 999
# Cards on the basket page: a search's best matches, or the newest listings with no query.
CARDS_SHOWN = 24


def _key(point_id: int, villager_id: int) -> str:
    return f"{point_id}:{villager_id}"


def basket_get(session, *, point_id: int, villager_id: int) -> dict[int, int]:
    """{listing id: quantity} of the villager's basket at this point."""
    raw = (session.get(SESSION_BASKETS) or {}).get(_key(point_id, villager_id)) or {}
    return {int(listing_id): int(quantity) for listing_id, quantity in raw.items()}


def basket_set(session, *, point_id: int, villager_id: int, listing_id: int, quantity: int) -> None:
    """Set one line (0 or less removes it); quantities are capped at QUANTITY_MAX and the
    basket at BASKET_MAX_LINES lines. Which listings exist is checked by the caller."""
    baskets = dict(session.get(SESSION_BASKETS) or {})
    basket = dict(baskets.get(_key(point_id, villager_id)) or {})
    if quantity <= 0:
        basket.pop(str(listing_id), None)
    elif str(listing_id) in basket or len(basket) < BASKET_MAX_LINES:
        basket[str(listing_id)] = min(int(quantity), QUANTITY_MAX)
    baskets[_key(point_id, villager_id)] = basket
    session[SESSION_BASKETS] = baskets


def basket_clear(session, *, point_id: int, villager_id: int) -> None:
    baskets = dict(session.get(SESSION_BASKETS) or {})
    if baskets.pop(_key(point_id, villager_id), None) is not None:
        session[SESSION_BASKETS] = baskets


@dataclass(frozen=True)
class BasketLine:
    listing: Listing  # with seller and photos prefetched
    quantity: int

    @property
    def line_total_fen(self) -> int:
        return self.listing.price_fen * self.quantity

    @property
    def line_total_yuan(self) -> str:
        return yuan(self.line_total_fen)


@dataclass(frozen=True)
class Basket:
    lines: list[BasketLine]

    @property
    def total_fen(self) -> int:
        return sum(line.line_total_fen for line in self.lines)

    @property
    def quantities(self) -> dict[int, int]:
        return {line.listing.pk: line.quantity for line in self.lines}

    def as_order_lines(self) -> list[tuple[int, int]]:
        return [(line.listing.pk, line.quantity) for line in self.lines]


def basket_read(quantities: dict[int, int]) -> Basket:
    """The basket's lines with their live listings, in the order they were added; listings
    no longer approved drop out. Three queries whatever the number of lines."""
    listings = listing_live_queryset().in_bulk(list(quantities))
    return Basket(
        lines=[
            BasketLine(listing=listings[listing_id], quantity=quantity)
            for listing_id, quantity in quantities.items()
            if listing_id in listings
        ]
    )


def basket_cards(*, q: str) -> list[Listing]:
    """The listings to add from: the search's matches (characters, pinyin or initials), or
    the newest with no query; with photos, in a fixed number of queries."""
    if q:
        return search_listings(q=q, limit=CARDS_SHOWN)
    return listing_latest(limit=CARDS_SHOWN)


def listing_addable(listing_id: int) -> Listing | None:
    """The approved listing a card's button names, or None."""
    return Listing.objects.filter(pk=listing_id, state=Listing.State.APPROVED).first()
