"""The hand-over of a pickup order at its service point, by that point's clerk (issue 9, point
8): the clerk's console (/clerk/handover/) calls order_hand_over.

Rules, checked in this order, each refusal an ApplicationError that changes nothing (state,
events, ledger, stock):

1. the user is an active clerk of an open point (service_points.selectors.clerk_point_for_user);
2. the order is a pickup order at that very point, else the same "not found here" as an
   unknown order, so a clerk learns nothing of another point's parcels;
3. no whole-order refund request is open on the order (one for some lines, found short or
   damaged on receiving, does not hold back the lines that arrived);
4. fewer than HANDOVER_MAX_WRONG_TRIES wrong codes for this order in the current window
   (HANDOVER_WINDOW_SECONDS, counted from the first wrong try): once reached, even the right
   code is refused until the window has passed, so the 6-digit code cannot be guessed;
5. the order is at the service point (at_service_point). An order can only get there paid
   (online) or as cash on pickup (county_sites.orders.states), so this is also the "paid or
   cash to collect" rule;
6. the pickup code is right; a wrong one counts a try.

Then the same path as the operator's order_collect (moves.order_collect_locked): collected,
the clerk as the event's actor, and for a cash order the cash and its split in the ledger.
"""

import math

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from county_sites.orders import states
from county_sites.orders.models import Order, RefundRequest
from county_sites.orders.services.base import order_lock, order_move_check
from county_sites.orders.services.moves import (
    MSG_PICKUP_CODE_WRONG,
    order_collect_locked,
    pickup_code_matches,
)
from service_points.selectors import clerk_point_for_user

MSG_NOT_A_CLERK = _("只有营业中服务点的在岗店员才能交付包裹。")
MSG_NOT_FOUND_HERE = _("本服务点没有这个包裹。")
MSG_REFUND_OPEN = _("订单 %(number)s 有未处理的退款申请，处理完之前不能交付。")
MSG_TOO_MANY_TRIES = _("取货码错误次数太多，请 %(minutes)s 分钟后再试。")
MSG_COLLECTOR_NAME_REQUIRED = _("代取时请填写取货人姓名。")
NOTE_COLLECTED_BY = _("代取：%(name)s（%(relation)s）")
NOTE_COLLECTED_BY_NO_RELATION = _("代取：%(name)s")

HANDOVER_MAX_WRONG_TRIES = 5
HANDOVER_WINDOW_SECONDS = 15 * 60
COLLECTOR_NAME_MAX = 64
COLLECTOR_RELATION_MAX = 32


# Wrong tries are counted in Redis through Django's cache, not in a table: the refusal raises
# inside the order's transaction, so a counter row written there would be rolled back with
# everything else (and a refusal must leave nothing behind in the database anyway); the cache
# key expires by itself when the window ends, so there is nothing to clean up. The cache's key
# function (django_tenants.cache.make_key) adds the county's schema, so order ids of two
# counties never share a counter. If Redis were lost the counts restart: acceptable for a
# limit whose job is to make guessing slow, not to keep a record.
def _tries_key(order: Order) -> str:
    return f"orders:handover-wrong-tries:{order.pk}"


def handover_wrong_tries(order: Order) -> int:
    """Wrong codes typed for `order` in the current window."""
    return int(cache.get(_tries_key(order), 0))


def _wrong_try_count(order: Order) -> None:
    key = _tries_key(order)
    cache.add(key, 0, timeout=HANDOVER_WINDOW_SECONDS)  # starts the window at the first try
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.add(key, 1, timeout=HANDOVER_WINDOW_SECONDS)


def _collector_note(collected_by_name: str, relation: str) -> str:
    name = (collected_by_name or "").strip()[:COLLECTOR_NAME_MAX]
    relation = (relation or "").strip()[:COLLECTOR_RELATION_MAX]
    if relation and not name:
        raise ApplicationError(MSG_COLLECTOR_NAME_REQUIRED, field="collected_by_name")
    if not name:
        return ""
    if relation:
        return gettext(NOTE_COLLECTED_BY) % {"name": name, "relation": relation}
    return gettext(NOTE_COLLECTED_BY_NO_RELATION) % {"name": name}


@transaction.atomic
def order_hand_over(
    *,
    clerk_user,
    order: Order | int,
    pickup_code: str,
    collected_by_name: str = "",
    relation: str = "",
) -> Order:
    """Hand a pickup order over at the clerk's own point, by its pickup code (rules in the
    module docstring). `collected_by_name` and `relation`: someone collecting for the buyer,
    recorded on the order event's note."""
    point = clerk_point_for_user(user=clerk_user)
    if point is None:
        raise ApplicationError(MSG_NOT_A_CLERK)
    try:
        order = order_lock(order)
    except Order.DoesNotExist:
        raise ApplicationError(MSG_NOT_FOUND_HERE) from None
    if order.fulfilment != Order.Fulfilment.PICKUP or order.service_point_id != point.pk:
        raise ApplicationError(MSG_NOT_FOUND_HERE)
    # A request for some lines (short or damaged on arrival) does not hold back the others.
    if RefundRequest.objects.filter(
        order=order, state=RefundRequest.State.REQUESTED, scope=RefundRequest.Scope.ORDER
    ).exists():
        raise ApplicationError(MSG_REFUND_OPEN % {"number": order.number}, field="state")
    if handover_wrong_tries(order) >= HANDOVER_MAX_WRONG_TRIES:
        raise ApplicationError(
            MSG_TOO_MANY_TRIES % {"minutes": math.ceil(HANDOVER_WINDOW_SECONDS / 60)},
            field="pickup_code",
        )
    order_move_check(order, states.COLLECT)
    note = _collector_note(collected_by_name, relation)
    if not pickup_code_matches(order, pickup_code):
        _wrong_try_count(order)
        raise ApplicationError(MSG_PICKUP_CODE_WRONG, field="pickup_code")
    return order_collect_locked(order, actor=clerk_user, note=note)
