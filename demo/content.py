"""The shapes of a demo county's content (demo/<slug>.py holds each county's).

Dates are written as "MM-DD" in the demo season: the winter around the day the demo is seeded
(late November to February), "+MM-DD" for a date in the new year of that winter. Spring dates
("04-02") are the spring before that winter, when the stored tea was picked. So the listings
stay in season whichever year the demo is seeded in.

Certificate numbers, bank account numbers and mobile numbers are invented for the demo.
"""

import datetime as dt
from dataclasses import dataclass

from hub.taxonomy import Certification, Unit

__all__ = [
    "Certification",
    "DemoBatch",
    "DemoCertification",
    "DemoCounty",
    "DemoListing",
    "DemoPoint",
    "DemoSeller",
    "DemoZone",
    "Unit",
    "season_date",
    "season_year",
]

# The winter runs from November to the end of February: seeded in March-October, the demo
# shows the coming winter.
SEASON_FIRST_MONTH = 11
SEASON_LAST_MONTH = 2


def season_year(today: dt.date) -> int:
    """The year in which the demo's winter starts."""
    return today.year - 1 if today.month <= SEASON_LAST_MONTH else today.year


def season_date(text: str, *, today: dt.date) -> dt.date:
    """ "12-01" -> 1 December of the demo winter; "+01-15" -> 15 January after it."""
    year = season_year(today)
    if text.startswith("+"):
        year, text = year + 1, text[1:]
    month, day = (int(part) for part in text.split("-"))
    return dt.date(year, month, day)


@dataclass(frozen=True)
class DemoCertification:
    kind: str  # hub.taxonomy.Certification
    number: str
    issuer: str
    # Valid until 31 December this many years after the demo winter starts.
    valid_years: int = 2


@dataclass(frozen=True)
class DemoBatch:
    """A traceability batch; its code is made from the county, seller and listing."""

    harvest: str  # season date, see the module docstring
    plot: str
    inputs_note: str


@dataclass(frozen=True)
class DemoListing:
    title: str
    category: str  # hub.Category slug (hub migration 0003)
    unit: str  # hub.taxonomy.Unit
    price_fen: int
    stock: int
    description: str
    min_order_qty: int = 1
    origin_village: str = ""  # default: the seller's village
    harvest: tuple[str, str] | None = None  # season dates (start, end)
    certifications: tuple[DemoCertification, ...] = ()
    batch: DemoBatch | None = None
    # The photo: the name drawn on it (default: the title) and the drawing (default: by
    # category, demo.photos.CATEGORY_SHAPES).
    photo_label: str = ""
    photo_shape: str = ""


@dataclass(frozen=True)
class DemoSeller:
    kind: str  # farmers.models.Seller.Kind
    name: str
    mobile: str  # the seller's key: a second run finds the seller by it
    village: str
    bank_name: str
    bank_account_number: str  # only its last 4 digits are stored
    # "self_on_phone" gives the seller a login account (SMS sign-in with the mobile);
    # "at_service_point" names the point in `point`; "paper_form" is taken by the operator.
    consent_method: str
    listings: tuple[DemoListing, ...]
    point: str = ""


@dataclass(frozen=True)
class DemoPoint:
    name: str  # the point's key
    village: str
    address: str
    latitude: str
    longitude: str
    opening_hours: str
    phone: str


@dataclass(frozen=True)
class DemoZone:
    name: str  # the zone's key
    description: str
    fee_fen: int


@dataclass(frozen=True)
class DemoCounty:
    slug: str
    batch_prefix: str  # e.g. "AJ": batch codes AJ25-0301
    points: tuple[DemoPoint, ...]
    zones: tuple[DemoZone, ...]
    sellers: tuple[DemoSeller, ...]

    @property
    def listings(self) -> list[DemoListing]:
        return [listing for seller in self.sellers for listing in seller.listings]
