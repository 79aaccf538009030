"""Storefront fixtures for this folder: listings of county A (inside `in_county`)."""

import pytest

from farmers.models import ListingPhoto
from tests.factories.farmers import ListingCertificationFactory, ListingFactory, category


def photo_ready(listing, position: int = 0) -> ListingPhoto:
    """A listing photo whose WebP renditions are made, recorded as farmers.services does
    (metadata only: no file is written)."""
    stem = f"listings/{listing.pk}/p{position}"
    sizes = {"thumb": (240, 180), "card": (480, 360), "large": (1080, 810)}
    return ListingPhoto.objects.create(
        listing=listing,
        original=f"{stem}.jpg",
        width=2000,
        height=1500,
        position=position,
        renditions={
            name: {"name": name, "width": w, "height": h, "path": f"{stem}_{name}.webp"}
            for name, (w, h) in sizes.items()
        },
        renditions_ready=True,
    )


def live(owner, title: str, **fields):
    """An approved listing of `owner` (a Seller), with one ready photo."""
    listing = ListingFactory(seller=owner, title=title, approved=True, **fields)
    photo_ready(listing)
    return listing


@pytest.fixture
def tea():
    """Here the tea category (elsewhere, tests/fixtures/orders.py's tea listing)."""
    return category("tea")


@pytest.fixture
def vegetables():
    return category("vegetables")


__all__ = ["ListingCertificationFactory", "live", "photo_ready"]
