"""What the API reads and answers, and the functions that turn models into those shapes.

Money is integer fen (`*_fen`) with a display string beside it (`*_display`, "¥12.50").
Labels (`*_label`) are in the request's language. Serializers take objects the selectors
loaded with their relations, so they never query per item.
"""

import datetime as dt
from typing import Annotated, Literal

from django.urls import reverse
from ninja import Field, Schema

from core.money import yuan_sign
from county_sites.catalogue.photos import rendition_url
from county_sites.catalogue.selectors import Sort
from county_sites.orders.models import Order
from hub.taxonomy import Certification

# Column ranges (PostgreSQL integer / bigint): a larger number can match nothing, and must not
# reach the database, where it would be an error instead of a refusal.
DB_INT_MAX = 2**31 - 1
DB_BIGINT_MAX = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=DB_BIGINT_MAX)]
# No lower bound: 0 or less reaches the service, which refuses with the cart page's message.
Quantity = Annotated[int, Field(le=DB_INT_MAX)]

# Items per page of a list, as on the storefront's category pages.
PAGE_SIZE = 20
# Below this many units a listing is "low" (the storefront's LOW_STOCK).
LOW_STOCK = 10


def money(fen: int) -> str:
    """1250 -> "¥12.50"."""
    return yuan_sign(fen)


# ------------------------------------------------------------------------------------------
# Errors
# ------------------------------------------------------------------------------------------
class ErrorOut(Schema):
    detail: str
    field: str | None = None


# ------------------------------------------------------------------------------------------
# Catalogue
# ------------------------------------------------------------------------------------------
class CategoryRef(Schema):
    id: int
    slug: str
    name: str
    name_en: str


class CategoryOut(CategoryRef):
    children: list[CategoryRef]


class SellerRef(Schema):
    id: int
    name: str


class Rendition(Schema):
    url: str
    width: int
    height: int


class PhotoOut(Schema):
    """One photo as WebP renditions, smallest first (thumb 240, card 480, large 1080)."""

    renditions: list[Rendition]


class ListingCard(Schema):
    id: int
    title: str
    category: CategoryRef | None
    unit: str
    unit_label: str
    price_fen: int
    price_display: str
    price_per_unit: str
    stock: int
    stock_state: Literal["in", "low", "out"]
    min_order_qty: int
    origin_village: str
    seller: SellerRef
    photo: PhotoOut | None
    url: str


class CertificationOut(Schema):
    kind: str
    label: str
    certificate_number: str
    issuer: str
    valid_until: dt.date | None


class TraceabilityOut(Schema):
    code: str
    batch_code: str
    harvest_date: dt.date
    plot: str
    url: str


class ListingDetail(ListingCard):
    description: str
    harvest_start: dt.date | None
    harvest_end: dt.date | None
    photos: list[PhotoOut]
    certifications: list[CertificationOut]
    traceability: TraceabilityOut | None


class ListingPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[ListingCard]


class ListingFilters(Schema):
    """Query string of GET /catalogue/listings/; prices in fen, inclusive."""

    category: str | None = Field(
        None, description="category slug; a top level includes its sub-categories"
    )
    village: str | None = None
    certification: Literal[tuple(Certification.values)] | None = None  # type: ignore[valid-type]
    min_price: int | None = Field(None, ge=0, le=DB_INT_MAX, description="fen")
    max_price: int | None = Field(None, ge=0, le=DB_INT_MAX, description="fen")
    sort: Literal[Sort.NEWEST, Sort.PRICE_ASC, Sort.PRICE_DESC] = Sort.NEWEST
    page: int = Field(1, ge=1, le=DB_INT_MAX)


class SearchOut(Schema):
    q: str
    results: list[ListingCard]
    suggested_categories: list[CategoryRef]


def category_ref(category) -> dict | None:
    if category is None:
        return None
    return {"id": category.pk, "slug": category.slug, "name": category.name,
            "name_en": category.name_en}  # fmt: skip


def category_out(category) -> dict:
    children = getattr(category, "active_children", [])
    return {**category_ref(category), "children": [category_ref(child) for child in children]}


def _photo(photo) -> dict | None:
    """A photo's ready renditions at the URLs the product page uses (catalogue.photos): the
    county host serves them (catalogue.views.listing_photo_file)."""
    if photo is None or not photo.renditions_ready:
        return None
    renditions = [
        {
            "url": rendition_url(photo.pk, name, entry),
            "width": int(entry["width"]),
            "height": int(entry["height"]),
        }  # fmt: skip
        for name, entry in (photo.renditions or {}).items()
        if isinstance(entry, dict)
        and entry.get("path")
        and entry.get("width")
        and entry.get("height")
    ]
    if not renditions:
        return None
    return {"renditions": sorted(renditions, key=lambda r: r["width"])}


def stock_state(listing) -> str:
    if listing.stock <= 0 or listing.stock < listing.min_order_qty:
        return "out"
    if listing.stock < LOW_STOCK:
        return "low"
    return "in"


def listing_card(listing) -> dict:
    photos = [p for p in (_photo(photo) for photo in listing.photos.all()) if p]
    return {
        "id": listing.pk,
        "title": listing.title,
        "category": category_ref(listing.category),
        "unit": listing.unit,
        "unit_label": str(listing.get_unit_display()),
        "price_fen": listing.price_fen,
        "price_display": money(listing.price_fen),
        "price_per_unit": f"{money(listing.price_fen)}/{listing.get_unit_display()}",
        "stock": listing.stock,
        "stock_state": stock_state(listing),
        "min_order_qty": listing.min_order_qty,
        "origin_village": listing.origin_village,
        "seller": {"id": listing.seller_id, "name": listing.seller.name},
        "photo": photos[0] if photos else None,
        "url": reverse("catalogue:listing", args=[listing.pk]),
    }


def listing_detail(listing) -> dict:
    batches = getattr(listing, "batches_newest_first", [])
    batch = batches[0] if batches else None
    return {
        **listing_card(listing),
        "description": listing.description,
        "harvest_start": listing.harvest_start,
        "harvest_end": listing.harvest_end,
        "photos": [p for p in (_photo(photo) for photo in listing.photos.all()) if p],
        "certifications": [
            {
                "kind": cert.kind,
                "label": str(cert.get_kind_display()),
                "certificate_number": cert.certificate_number,
                "issuer": cert.issuer,
                "valid_until": cert.valid_until,
            }
            for cert in listing.certifications.all()
        ],
        "traceability": None
        if batch is None
        else {
            "code": batch.code,
            "batch_code": batch.batch_code,
            "harvest_date": batch.harvest_date,
            "plot": batch.plot,
            "url": reverse("farmers:trace", args=[batch.code]),
        },
    }


# ------------------------------------------------------------------------------------------
# Checkout choices
# ------------------------------------------------------------------------------------------
class ServicePointOut(Schema):
    id: int
    name: str
    village: str
    address: str
    latitude: float | None
    longitude: float | None
    opening_hours: str
    phone: str


class DeliveryZoneOut(Schema):
    id: int
    name: str
    description: str
    fee_fen: int
    fee_display: str


def service_point_out(point) -> dict:
    return {
        "id": point.pk,
        "name": point.name,
        "village": point.village,
        "address": point.address,
        "latitude": None if point.latitude is None else float(point.latitude),
        "longitude": None if point.longitude is None else float(point.longitude),
        "opening_hours": point.opening_hours,
        "phone": point.phone,
    }


def delivery_zone_out(zone) -> dict:
    return {"id": zone.pk, "name": zone.name, "description": zone.description,
            "fee_fen": zone.fee_fen, "fee_display": money(zone.fee_fen)}  # fmt: skip


# ------------------------------------------------------------------------------------------
# Cart
# ------------------------------------------------------------------------------------------
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


class CartOut(Schema):
    lines: list[CartLineOut]
    total_fen: int
    total_display: str


def cart_out(lines) -> dict:
    """`lines`: CartLine rows with their listings (cart_lines_for_user)."""
    out = []
    for line in lines:
        line_total = line.listing.price_fen * line.quantity
        out.append(
            {
                "listing": listing_card(line.listing),
                "quantity": line.quantity,
                "line_total_fen": line_total,
                "line_total_display": money(line_total),
            }
        )
    total = sum(line["line_total_fen"] for line in out)
    return {"lines": out, "total_fen": total, "total_display": money(total)}


# ------------------------------------------------------------------------------------------
# Orders and payments
# ------------------------------------------------------------------------------------------
class OrderLineIn(Schema):
    listing_id: Id
    quantity: Quantity


class OrderIn(Schema):
    """Without `lines`, the caller's cart is ordered (and those lines leave the cart)."""

    fulfilment: str = Field(..., description="pickup | delivery")
    payment_method: str = Field(..., description="bank_gateway | cash_on_pickup")
    service_point_id: Id | None = None
    delivery_zone_id: Id | None = None
    delivery_address: str = ""
    contact_mobile: str = ""
    lines: list[OrderLineIn] | None = None


class CancelIn(Schema):
    reason: str = ""


class OrderLineOut(Schema):
    listing_id: int
    title: str
    unit: str
    unit_label: str
    price_fen: int
    price_display: str
    quantity: int
    line_total_fen: int
    line_total_display: str


class OrderEventOut(Schema):
    from_state: str
    to_state: str
    to_state_label: str
    at: dt.datetime


class OrderOut(Schema):
    number: str
    state: str
    state_label: str
    fulfilment: str
    fulfilment_label: str
    service_point: ServicePointOut | None
    pickup_code: str
    delivery_zone: DeliveryZoneOut | None
    delivery_address: str
    contact_mobile: str
    payment_method: str
    payment_method_label: str
    lines: list[OrderLineOut]
    lines_total_fen: int
    lines_total_display: str
    delivery_fee_fen: int
    delivery_fee_display: str
    total_fen: int
    total_display: str
    placed_at: dt.datetime
    paid_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    cancel_reason: str


class OrderDetailOut(OrderOut):
    events: list[OrderEventOut]


class OrderPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[OrderOut]


class PaymentStatusOut(Schema):
    order_number: str
    order_state: str
    order_state_label: str
    payment_method: str
    amount_fen: int
    amount_display: str
    paid: bool
    paid_at: dt.datetime | None
    payment_state: Literal["none", "pending", "succeeded", "closed"]


class PayOut(Schema):
    order_number: str
    redirect_url: str | None


def order_out(order: Order, *, events: bool = False) -> dict:
    data = {
        "number": order.number,
        "state": order.state,
        "state_label": str(order.get_state_display()),
        "fulfilment": order.fulfilment,
        "fulfilment_label": str(order.get_fulfilment_display()),
        "service_point": service_point_out(order.service_point) if order.service_point else None,
        "pickup_code": order.pickup_code,
        "delivery_zone": delivery_zone_out(order.delivery_zone) if order.delivery_zone else None,
        "delivery_address": order.delivery_address,
        "contact_mobile": order.contact_mobile,
        "payment_method": order.payment_method,
        "payment_method_label": str(order.get_payment_method_display()),
        "lines": [
            {
                "listing_id": line.listing_id,
                "title": line.title,
                "unit": line.unit,
                "unit_label": str(line.get_unit_display()),
                "price_fen": line.price_fen,
                "price_display": money(line.price_fen),
                "quantity": line.quantity,
                "line_total_fen": line.line_total_fen,
                "line_total_display": money(line.line_total_fen),
            }
            for line in order.lines.all()
        ],
        "lines_total_fen": order.lines_total_fen,
        "lines_total_display": money(order.lines_total_fen),
        "delivery_fee_fen": order.delivery_fee_fen,
        "delivery_fee_display": money(order.delivery_fee_fen),
        "total_fen": order.total_fen,
        "total_display": money(order.total_fen),
        "placed_at": order.placed_at,
        "paid_at": order.paid_at,
        "cancelled_at": order.cancelled_at,
        "cancel_reason": order.cancel_reason,
    }
    if events:
        data["events"] = [
            {
                "from_state": event.from_state,
                "to_state": event.to_state,
                "to_state_label": str(Order.State(event.to_state).label),
                "at": event.at,
            }
            for event in order.events.all()
        ]
    return data


def payment_status_out(order: Order, payment) -> dict:
    return {
        "order_number": order.number,
        "order_state": order.state,
        "order_state_label": str(order.get_state_display()),
        "payment_method": order.payment_method,
        "amount_fen": order.total_fen,
        "amount_display": money(order.total_fen),
        "paid": order.paid_at is not None,
        "paid_at": order.paid_at,
        "payment_state": payment.state if payment is not None else "none",
    }


# ------------------------------------------------------------------------------------------
# Auth
# ------------------------------------------------------------------------------------------
class SmsCodeIn(Schema):
    mobile: str


class SmsCodeOut(Schema):
    mobile: str
    expires_at: dt.datetime


class TokenIn(Schema):
    mobile: str
    code: str


class UserOut(Schema):
    id: int
    mobile: str


class TokenOut(Schema):
    token: str
    token_type: Literal["Bearer"]
    user: UserOut


def page_of(items, *, page: int, page_size: int, serialize) -> dict:
    """One page of a queryset: past the last page is an empty page, not an error."""
    count = items.count()
    pages = max(1, -(-count // page_size))
    start = (page - 1) * page_size
    results = list(items[start : start + page_size]) if start < count else []
    return {"count": count, "page": page, "pages": pages, "page_size": page_size,
            "results": [serialize(item) for item in results]}  # fmt: skip
