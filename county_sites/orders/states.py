"""The order state machine (DESIGN.md section 4), as data: which move goes from where to where.

    placed ──pay──> paid ──prepare──> preparing ──arrive──> at_service_point ──collect──> collected
      │  └────────prepare (cash on pickup)─┘   └──deliver──> delivered
      └──cancel──> cancelled
    paid / preparing / at_service_point / collected / delivered ──request refund──>
        refund_requested ──approve──> refunded
                         └─refuse──> (the state it came from)

Cash-on-pickup orders are never "paid": the money is taken at the service point and booked
in the ledger when the parcel is collected.
"""

from county_sites.orders.models import Order

S = Order.State

PAY = "pay"
PREPARE = "prepare"
ARRIVE = "arrive"
COLLECT = "collect"
DELIVER = "deliver"
CANCEL = "cancel"
REQUEST_REFUND = "request_refund"
APPROVE_REFUND = "approve_refund"

# move -> states it may start from
TRANSITIONS: dict[str, frozenset[str]] = {
    PAY: frozenset({S.PLACED}),
    PREPARE: frozenset({S.PLACED, S.PAID}),
    ARRIVE: frozenset({S.PREPARING}),
    COLLECT: frozenset({S.AT_SERVICE_POINT}),
    DELIVER: frozenset({S.PREPARING}),
    CANCEL: frozenset({S.PLACED}),
    REQUEST_REFUND: frozenset({S.PAID, S.PREPARING, S.AT_SERVICE_POINT, S.COLLECTED, S.DELIVERED}),
    APPROVE_REFUND: frozenset({S.REFUND_REQUESTED}),
}

TARGET: dict[str, str] = {
    PAY: S.PAID,
    PREPARE: S.PREPARING,
    ARRIVE: S.AT_SERVICE_POINT,
    COLLECT: S.COLLECTED,
    DELIVER: S.DELIVERED,
    CANCEL: S.CANCELLED,
    REQUEST_REFUND: S.REFUND_REQUESTED,
    APPROVE_REFUND: S.REFUNDED,
}


def can(move: str, order: Order) -> bool:
    """Whether `move` is allowed from the order's state, counting its fulfilment and payment."""
    if order.state not in TRANSITIONS[move]:
        return False
    online = order.payment_method == Order.PaymentMethod.BANK_GATEWAY
    pickup = order.fulfilment == Order.Fulfilment.PICKUP
    if move == PAY:
        return online
    if move == PREPARE:
        # Online orders are prepared once paid; cash orders straight from placed.
        return order.state == (S.PAID if online else S.PLACED)
    if move in (ARRIVE, COLLECT):
        return pickup
    if move == DELIVER:
        return not pickup
    if move == REQUEST_REFUND:
        # Cash is only in hand once the parcel has been collected and paid for.
        return online or order.state == S.COLLECTED
    return True
