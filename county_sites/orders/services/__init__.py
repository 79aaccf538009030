"""Writes for carts, orders, refund requests and delivery zones; run inside the county's schema.

One module per role, every public name re-exported here (`from county_sites.orders.services
import order_place`):

- cart: cart lines and the session cart merged on sign-in;
- placing: order_place (stock reserved, idempotent) and the buyer's confirmation;
- moves: the operator's and the buyer's state moves (prepare, arrive, deliver, cancel, and the
  last step of a hand-over);
- handover: order_hand_over (the point's clerk) and order_collect (the operator) handing a
  parcel over by its pickup code, all of it or some lines (partial pickup);
- returns: order_return, a parcel not collected within the hold sent back to the county;
- paying: the money of online orders coming in (start, the bank's notify, reconciliation, the
  payment timeout), through county_sites.payments;
- refunds: refund requests and the operator's decision;
- zones: delivery zones;
- base: the row lock, event log, checked state move and stock release they share.
"""

from core.roles import MSG_OPERATOR_ONLY
from core.updates import MSG_UNKNOWN_FIELDS
from county_sites.orders.services.base import (
    ACTION_LABELS,
    MSG_AWAITING_BUYER,
    MSG_CANNOT_MOVE,
    MSG_NOT_YOUR_ORDER,
)
from county_sites.orders.services.cart import (
    MSG_BELOW_MINIMUM,
    MSG_LISTING_UNAVAILABLE,
    MSG_QUANTITY_INVALID,
    cart_clear,
    cart_line_check,
    cart_line_remove,
    cart_line_set,
    cart_merge,
)
from county_sites.orders.services.handover import (
    HANDOVER_MAX_WRONG_TRIES,
    HANDOVER_WINDOW_SECONDS,
    MSG_COLLECTOR_NAME_REQUIRED,
    MSG_LINE_NOT_TO_HAND_OVER,
    MSG_NO_LINES_CHOSEN,
    MSG_NOT_A_CLERK,
    MSG_NOT_FOUND_HERE,
    MSG_NOTHING_TO_HAND_OVER,
    MSG_REFUND_OPEN,
    MSG_TOO_MANY_TRIES,
    SMS_REST_NEW_CODE,
    handover_key_clean,
    handover_wrong_tries,
    order_collect,
    order_hand_over,
)
from county_sites.orders.services.moves import (
    MSG_PICKUP_CODE_WRONG,
    order_arrive,
    order_cancel,
    order_deliver,
    order_prepare,
)
from county_sites.orders.services.paying import (
    MSG_CANCELLED_TIMEOUT,
    order_expire,
    order_mark_paid,
    order_pay_start,
    order_payment_notify,
    order_payment_reconcile,
    orders_cancel_expired,
    orders_reconcile_pending,
)
from county_sites.orders.services.placing import (
    IDEMPOTENCY_CONSTRAINT,
    MSG_ADDRESS_REQUIRED,
    MSG_BUSY,
    MSG_CART_EMPTY,
    MSG_CASH_NEEDS_PICKUP,
    MSG_FULFILMENT_INVALID,
    MSG_KEY_INVALID,
    MSG_OUT_OF_STOCK,
    MSG_PAYMENT_INVALID,
    MSG_POINT_REQUIRED,
    MSG_ZONE_REQUIRED,
    PICKUP_CODE_DIGITS,
    PLACE_ATTEMPTS,
    SMS_ORDER_PLACED_DELIVERY,
    SMS_ORDER_PLACED_PICKUP,
    order_buyer_confirm,
    order_place,
)
from county_sites.orders.services.refunds import (
    MAX_REFUND_PHOTOS,
    MSG_REFUND_NOT_OPEN,
    MSG_REFUND_REASON_REQUIRED,
    MSG_REFUND_TOO_MANY_PHOTOS,
    MSG_REFUSAL_REASON_REQUIRED,
    refund_approve,
    refund_refuse,
    refund_request_create,
)
from county_sites.orders.services.returns import (
    MSG_NOT_OVERDUE,
    MSG_RETURN_NOT_ALLOWED,
    NOTE_RETURNED,
    SMS_RETURNED,
    SMS_RETURNED_REFUND,
    order_return,
)
from county_sites.orders.services.zones import (
    DELIVERY_ZONE_EDITABLE_FIELDS,
    MSG_ZONE_FEE_INVALID,
    ZONE_SORT_STEP,
    delivery_zone_create,
    delivery_zone_update,
)

__all__ = [
    "ACTION_LABELS",
    "DELIVERY_ZONE_EDITABLE_FIELDS",
    "HANDOVER_MAX_WRONG_TRIES",
    "HANDOVER_WINDOW_SECONDS",
    "IDEMPOTENCY_CONSTRAINT",
    "MAX_REFUND_PHOTOS",
    "MSG_ADDRESS_REQUIRED",
    "MSG_AWAITING_BUYER",
    "MSG_BELOW_MINIMUM",
    "MSG_BUSY",
    "MSG_CANCELLED_TIMEOUT",
    "MSG_CANNOT_MOVE",
    "MSG_CART_EMPTY",
    "MSG_CASH_NEEDS_PICKUP",
    "MSG_COLLECTOR_NAME_REQUIRED",
    "MSG_FULFILMENT_INVALID",
    "MSG_KEY_INVALID",
    "MSG_LINE_NOT_TO_HAND_OVER",
    "MSG_LISTING_UNAVAILABLE",
    "MSG_NOTHING_TO_HAND_OVER",
    "MSG_NOT_A_CLERK",
    "MSG_NOT_FOUND_HERE",
    "MSG_NOT_OVERDUE",
    "MSG_NOT_YOUR_ORDER",
    "MSG_NO_LINES_CHOSEN",
    "MSG_OPERATOR_ONLY",
    "MSG_OUT_OF_STOCK",
    "MSG_PAYMENT_INVALID",
    "MSG_PICKUP_CODE_WRONG",
    "MSG_POINT_REQUIRED",
    "MSG_QUANTITY_INVALID",
    "MSG_REFUND_NOT_OPEN",
    "MSG_REFUND_OPEN",
    "MSG_REFUND_REASON_REQUIRED",
    "MSG_REFUND_TOO_MANY_PHOTOS",
    "MSG_REFUSAL_REASON_REQUIRED",
    "MSG_RETURN_NOT_ALLOWED",
    "MSG_TOO_MANY_TRIES",
    "MSG_UNKNOWN_FIELDS",
    "MSG_ZONE_FEE_INVALID",
    "MSG_ZONE_REQUIRED",
    "NOTE_RETURNED",
    "PICKUP_CODE_DIGITS",
    "PLACE_ATTEMPTS",
    "SMS_ORDER_PLACED_DELIVERY",
    "SMS_ORDER_PLACED_PICKUP",
    "SMS_REST_NEW_CODE",
    "SMS_RETURNED",
    "SMS_RETURNED_REFUND",
    "ZONE_SORT_STEP",
    "cart_clear",
    "cart_line_check",
    "cart_line_remove",
    "cart_line_set",
    "cart_merge",
    "delivery_zone_create",
    "delivery_zone_update",
    "handover_key_clean",
    "handover_wrong_tries",
    "order_arrive",
    "order_buyer_confirm",
    "order_cancel",
    "order_collect",
    "order_deliver",
    "order_expire",
    "order_hand_over",
    "order_mark_paid",
    "order_pay_start",
    "order_payment_notify",
    "order_payment_reconcile",
    "order_place",
    "order_prepare",
    "order_return",
    "orders_cancel_expired",
    "orders_reconcile_pending",
    "refund_approve",
    "refund_refuse",
    "refund_request_create",
]
