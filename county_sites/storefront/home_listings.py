"""The home page's listings, read once for the whole page (issue 13: at most 8 queries).

Featured and seasonal blocks resolve their chosen listings per block type (Wagtail's
StreamValue asks each block type in turn), and the latest-listings block reads on its own:
two queries each (listings, photos), six for a page with all three. CountyHomePage.serve
reads them all first, in two queries (catalogue.selectors.listing_cards_and_latest), and
renders inside `home_listings_preloaded`; the blocks take theirs from it
(`home_listings_current`). Outside that (the admin, previews of other pages, a block rendered
alone) nothing is preloaded and the blocks read as before.

A context variable rather than the template context: the chooser block resolves ids in
bulk_to_python, before any context exists.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from county_sites.catalogue.selectors import listing_cards_and_latest

CHOSEN_BLOCKS = ("featured_listings", "seasonal_collection")
LATEST_BLOCK = "latest_listings"


@dataclass(frozen=True)
class HomeListings:
    requested: frozenset[int]
    by_id: dict = field(default_factory=dict)  # approved ones among `requested`
    latest: list = field(default_factory=list)  # newest first, `latest_count` at most
    latest_count: int = 0


_current: ContextVar[HomeListings | None] = ContextVar("home_listings", default=None)


def _item_value(item):
    # A ListBlock's raw items are {"type": "item", "value": ..., "id": ...} (older: bare values).
    return item.get("value") if isinstance(item, dict) else item


def home_listings_wanted(raw_body) -> tuple[set[int], int]:
    """From a home page body's raw data: the chosen listing ids and the largest latest count."""
    ids: set[int] = set()
    latest = 0
    for block in raw_body or []:
        value = block.get("value") or {}
        if block.get("type") in CHOSEN_BLOCKS:
            ids.update(
                listing_id
                for item in value.get("listings") or []
                if isinstance(listing_id := _item_value(item), int)
            )
        elif block.get("type") == LATEST_BLOCK and isinstance(value.get("count"), int):
            latest = max(latest, value["count"])
    return ids, latest


@contextmanager
def home_listings_preloaded(*, ids: set[int], latest: int) -> Iterator[None]:
    if not ids and not latest:
        yield
        return
    by_id, newest = listing_cards_and_latest(ids=ids, latest=latest)
    token = _current.set(
        HomeListings(requested=frozenset(ids), by_id=by_id, latest=newest, latest_count=latest)
    )
    try:
        yield
    finally:
        _current.reset(token)


def home_listings_current() -> HomeListings | None:
    return _current.get()
