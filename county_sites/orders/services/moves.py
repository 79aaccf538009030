"""The operator's and the buyer's moves of an order along county_sites.orders.states:
prepare, arrive at the service point, deliver, and cancel; and the last step of a hand-over
(collected). The hand-over itself, by the clerk or the operator, line by line with the cash it
takes, is in county_sites.orders.services.handover; the money coming in is in .paying;
refunds in .refunds; parcels returned to the county in .returns."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import county_operator_check
from county_sites.ledger.point_commissions import ledger_point_commission_accrue
from county_sites.orders import states
from county_sites.orders.models import Order
from county_sites.orders.services.base import (
    order_lock,
    order_move,
    order_move_check,
    order_stock_release,
)
from county_sites.payments.services import payment_close

MSG_PICKUP_CODE_WRONG = _("取货码不正确。")


@transaction.atomic
def order_cancel(*, order: Order | int, actor, reason: str = "") -> Order:
    """Cancel an order not yet being prepared and give its stock back. By the buyer or a
    county operator; `actor=None` is the system (payment timeout). An online order's bank
    transaction is closed first, so it can no longer be paid."""
    order = order_lock(order)
    if actor is not None and actor.pk != order.buyer_id:
        county_operator_check(actor)
    return order_cancel_locked(order, actor=actor, reason=reason)


def order_cancel_locked(order: Order, *, actor, reason: str = "") -> Order:
    """The cancel itself, on a locked order whose canceller has been checked: shared by
    order_cancel and the clerk's cancel of an order waiting for the villager
    (services.assisted)."""
    order_move_check(order, states.CANCEL)
    if order.is_bank_gateway:
        payment_close(order=order)  # refuses if the bank has already taken the money
    order_move(order, states.CANCEL, actor=actor, note=reason)
    order.cancelled_at = timezone.now()
    order.cancel_reason = str(reason)[:255]
    order.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    order_stock_release(order)
    return order


@transaction.atomic
def order_prepare(*, order: Order | int, actor) -> Order:
    """paid -> preparing (online) or placed -> preparing (cash on pickup). Operators only."""
    county_operator_check(actor)
    return order_move(order_lock(order), states.PREPARE, actor=actor)


@transaction.atomic
def order_arrive(*, order: Order | int, actor) -> Order:
    """preparing -> at_service_point: the parcel is on the point's shelf."""
    county_operator_check(actor)
    return order_move(order_lock(order), states.ARRIVE, actor=actor)


@transaction.atomic
def order_deliver(*, order: Order | int, actor) -> Order:
    """preparing -> delivered (delivery orders)."""
    county_operator_check(actor)
    order = order_move(order_lock(order), states.DELIVER, actor=actor)
    order.completed_at = timezone.now()
    order.save(update_fields=["completed_at", "updated_at"])
    return order


def pickup_code_matches(order: Order, pickup_code: str) -> bool:
    """Whether `pickup_code` (spaces around it ignored) is the order's, in constant time."""
    return secrets.compare_digest(str(pickup_code or "").strip(), order.pickup_code)


def order_collect_locked(order: Order, *, actor, note: str = "", at=None) -> Order:
    """The last hand-over of a locked order whose pickup code has been checked and whose last
    lines have just been handed over (county_sites.orders.services.handover, which also books
    the cash they took): at_service_point -> collected, and the point's commission on the
    goods handed over, once for the order (partial pickups included: the value of every line
    that left the point, not the short, damaged or returned ones)."""
    order_move(order, states.COLLECT, actor=actor, note=note)
    order.completed_at = at or timezone.now()
    order.save(update_fields=["completed_at", "updated_at"])
    handed_over_fen = sum(
        order.lines.filter(handed_over_at__isnull=False).values_list("line_total_fen", flat=True)
    )
    ledger_point_commission_accrue(
        order=order,
        point=order.service_point,
        value_fen=handed_over_fen,
        at=order.completed_at,
    )
    return order
