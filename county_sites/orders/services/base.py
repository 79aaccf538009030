"""What every order write shares: the row lock, the event log, the checked state move and the
stock given back. Used by the other modules of this package only; callers use the services.

Every state move locks the order row (SELECT ... FOR UPDATE), checks the move against
county_sites.orders.states and logs an OrderEvent; a refusal raises ApplicationError inside the
transaction, so nothing is changed.
"""

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from county_sites.orders import states
from county_sites.orders.models import Order, OrderEvent
from farmers.models import Listing
from farmers.services.province import listing_province_sync_queue

MSG_CANNOT_MOVE = _("订单 %(number)s 现在是“%(state)s”，不能%(action)s。")
MSG_AWAITING_BUYER = _("订单 %(number)s 是代买家录入的，买家确认后才能%(action)s。")
MSG_NOT_YOUR_ORDER = _("这不是您的订单。")

ACTION_LABELS = {
    states.PAY: _("支付"),
    states.PREPARE: _("开始备货"),
    states.ARRIVE: _("标记为已到服务点"),
    states.COLLECT: _("取货"),
    states.DELIVER: _("标记为已送达"),
    states.CANCEL: _("取消"),
    states.CANCEL_UNDELIVERED: _("因到货缺损取消"),
    states.REQUEST_REFUND: _("申请退款"),
    states.APPROVE_REFUND: _("退款"),
    states.RETURN: _("退回县里"),
}


def order_lock(order: Order | int) -> Order:
    return Order.objects.select_for_update().get(pk=getattr(order, "pk", order))


def order_event_log(
    order: Order, from_state: str, to_state: str, *, actor=None, note: str = ""
) -> None:
    OrderEvent.objects.create(
        order=order, from_state=from_state, to_state=to_state, actor=actor, note=str(note)[:255]
    )


def order_move_check(order: Order, move: str) -> None:
    """Refuse `move` on the order unless the state machine allows it, saying why: the buyer
    has to confirm an order entered for them first, or the order's state is wrong for it."""
    if states.can(move, order):
        return
    if states.waits_for_buyer(move, order):
        raise ApplicationError(
            MSG_AWAITING_BUYER % {"number": order.number, "action": ACTION_LABELS[move]},
            field="state",
        )
    raise ApplicationError(
        MSG_CANNOT_MOVE
        % {
            "number": order.number,
            "state": order.get_state_display(),
            "action": ACTION_LABELS[move],
        },
        field="state",
    )


def order_move(order: Order, move: str, *, actor=None, note: str = "") -> Order:
    """Apply `move` to a locked order or refuse; logs the event."""
    order_move_check(order, move)
    from_state = order.state
    order.state = states.TARGET[move]
    order.full_clean(validate_unique=False, validate_constraints=False)
    order.save()
    order_event_log(order, from_state, order.state, actor=actor, note=note)
    return order


def order_stock_release(order: Order) -> bool:
    """Give the order's quantities back to its listings, once ever. True if released now."""
    if order.stock_released_at is not None:
        return False
    listing_ids = []
    for line in order.lines.order_by("listing_id"):
        Listing.objects.filter(pk=line.listing_id).update(stock=F("stock") + line.quantity)
        listing_ids.append(line.listing_id)
    listing_province_sync_queue(listing_ids=listing_ids)
    order.stock_released_at = timezone.now()
    order.save(update_fields=["stock_released_at", "updated_at"])
    return True
