"""Checkout choices and orders: from ServicePoint, DeliveryZone and Order rows (orders.selectors
load an order with its point, zone and lines, and for one order its events)."""

import datetime as dt

from ninja import Field, Schema

from core.money import yuan_sign
from county_sites.api.schemas.common import Id, Quantity
from county_sites.orders.models import Order


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

    @staticmethod
    def resolve_latitude(point) -> float | None:
        return None if point.latitude is None else float(point.latitude)

    @staticmethod
    def resolve_longitude(point) -> float | None:
        return None if point.longitude is None else float(point.longitude)


class DeliveryZoneOut(Schema):
    id: int
    name: str
    description: str
    fee_fen: int
    fee_display: str

    @staticmethod
    def resolve_fee_display(zone) -> str:
        return yuan_sign(zone.fee_fen)


# ------------------------------------------------------------------------------------------
# Placing and cancelling
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


# ------------------------------------------------------------------------------------------
# Orders
# ------------------------------------------------------------------------------------------
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

    @staticmethod
    def resolve_unit_label(line) -> str:
        return str(line.get_unit_display())

    @staticmethod
    def resolve_price_display(line) -> str:
        return yuan_sign(line.price_fen)

    @staticmethod
    def resolve_line_total_display(line) -> str:
        return yuan_sign(line.line_total_fen)


class OrderEventOut(Schema):
    from_state: str
    to_state: str
    to_state_label: str
    at: dt.datetime

    @staticmethod
    def resolve_to_state_label(event) -> str:
        return str(Order.State(event.to_state).label)


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

    @staticmethod
    def resolve_state_label(order) -> str:
        return str(order.get_state_display())

    @staticmethod
    def resolve_fulfilment_label(order) -> str:
        return str(order.get_fulfilment_display())

    @staticmethod
    def resolve_payment_method_label(order) -> str:
        return str(order.get_payment_method_display())

    @staticmethod
    def resolve_lines_total_display(order) -> str:
        return yuan_sign(order.lines_total_fen)

    @staticmethod
    def resolve_delivery_fee_display(order) -> str:
        return yuan_sign(order.delivery_fee_fen)

    @staticmethod
    def resolve_total_display(order) -> str:
        return yuan_sign(order.total_fen)


# From an order of orders.selectors.order_get_for_buyer (with its events).
class OrderDetailOut(OrderOut):
    events: list[OrderEventOut]
