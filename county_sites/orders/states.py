"""The order state machine (DESIGN.md section 4), as data: which move goes from where to where.

    placed ──pay──> paid ──prepare──> preparing ──arrive──> at_service_point ──collect──> collected
      │  └────────prepare (cash on pickup)─┘   └──deliver──> delivered
      └──cancel──> cancelled
                                                            at_service_point ──return──> returned
    paid / preparing / at_service_point / collected / delivered ──request refund──>
        refund_requested ──approve──> refunded
                         └─refuse──> (the state it came from)

A cash-on-pickup order whose every line the point's clerk finds short or damaged on receiving
is cancelled there (cancel_undelivered, preparing -> cancelled): nothing was paid, nothing is
owed. An online one becomes a whole-order refund request instead.

Cash-on-pickup orders are never "paid": the money is taken at the service point and booked
in the ledger at each hand-over, for the lines handed over.

A partial pickup (some lines handed over, a new pickup code for the rest) is no move: the
order stays at_service_point until its last line goes, and collect is that last hand-over.
A parcel not collected within the point's hold may be returned to the county (return): what
was still on the shelf is refunded (online orders) and restocked.

An order a clerk entered on the buyer's behalf (Order.entered_by) waits for the buyer's
confirmation (Order.buyer_confirmed_at) before the money, the preparation, the service point
or the hand-over: until then those moves are refused; cancelling stays open.
"""

from county_sites.orders.models import Order

S = Order.State

PAY = "pay"
PREPARE = "prepare"
ARRIVE = "arrive"
COLLECT = "collect"
DELIVER = "deliver"
CANCEL = "cancel"
CANCEL_UNDELIVERED = "cancel_undelivered"
REQUEST_REFUND = "request_refund"
APPROVE_REFUND = "approve_refund"
RETURN = "return"

# move -> states it may start from
TRANSITIONS: dict[str, frozenset[str]] = {
    PAY: frozenset({S.PLACED}),
    PREPARE: frozenset({S.PLACED, S.PAID}),
    ARRIVE: frozenset({S.PREPARING}),
    COLLECT: frozenset({S.AT_SERVICE_POINT}),
    DELIVER: frozenset({S.PREPARING}),
    CANCEL: frozenset({S.PLACED}),
    CANCEL_UNDELIVERED: frozenset({S.PREPARING}),
    REQUEST_REFUND: frozenset({S.PAID, S.PREPARING, S.AT_SERVICE_POINT, S.COLLECTED, S.DELIVERED}),
    APPROVE_REFUND: frozenset({S.REFUND_REQUESTED}),
    RETURN: frozenset({S.AT_SERVICE_POINT}),
}

TARGET: dict[str, str] = {
    PAY: S.PAID,
    PREPARE: S.PREPARING,
    ARRIVE: S.AT_SERVICE_POINT,
    COLLECT: S.COLLECTED,
    DELIVER: S.DELIVERED,
    CANCEL: S.CANCELLED,
    CANCEL_UNDELIVERED: S.CANCELLED,
    REQUEST_REFUND: S.REFUND_REQUESTED,
    APPROVE_REFUND: S.REFUNDED,
    RETURN: S.RETURNED,
}


# Moves an order entered for the buyer cannot make before the buyer has confirmed it.
NEED_BUYER_CONFIRMATION: frozenset[str] = frozenset({PAY, PREPARE, ARRIVE, COLLECT, DELIVER})


def awaits_buyer(order: Order) -> bool:
    """Entered by a clerk on the buyer's behalf and not confirmed by the buyer yet."""
    return order.entered_by_id is not None and order.buyer_confirmed_at is None


def waits_for_buyer(move: str, order: Order) -> bool:
    """Whether `move` is refused only because the buyer has not confirmed the order yet."""
    return move in NEED_BUYER_CONFIRMATION and awaits_buyer(order) and _state_allows(move, order)


def can(move: str, order: Order) -> bool:
    """Whether `move` is allowed now: from the order's state, counting its fulfilment and
    payment, and the buyer's confirmation of an order entered for them."""
    if move in NEED_BUYER_CONFIRMATION and awaits_buyer(order):
        return False
    return _state_allows(move, order)


def _state_allows(move: str, order: Order) -> bool:
    if order.state not in TRANSITIONS[move]:
        return False
    online = order.is_online  # paid before preparation: at the bank's gateway or on credit
    pickup = order.fulfilment == Order.Fulfilment.PICKUP
    if move == PAY:
        return online
    if move == PREPARE:
        # Online orders are prepared once paid; cash orders straight from placed.
        return order.state == (S.PAID if online else S.PLACED)
    if move in (ARRIVE, COLLECT, RETURN):
        return pickup
    if move == DELIVER:
        return not pickup
    if move == CANCEL_UNDELIVERED:
        return pickup and not online
    if move == REQUEST_REFUND:
        # Cash is only in hand once the parcel has been collected and paid for.
        return online or order.state == S.COLLECTED
    return True
