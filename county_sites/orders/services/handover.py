"""The hand-over of a pickup order at its service point (issue 9, point 8): by that point's
clerk at the console (/clerk/handover/, order_hand_over), or by a county operator on the
admin's act page (order_collect). Both hand over lines: all that are left, or (the clerk) the
ones the buyer takes now.

order_hand_over's rules, checked in this order, each refusal an ApplicationError that changes
nothing (state, lines, hand-overs, events, ledger, stock, pickup code):

1. the user is an active clerk of an open point (service_points.selectors.clerk_point_for_user);
2. the order is a pickup order at that very point, else the same "not found here" as an
   unknown order, so a clerk learns nothing of another point's parcels;
3. (not a rule but a replay) a hand-over with the same key was already made for this order:
   the same form posted again; it is returned as it was and nothing is done twice;
4. no whole-order refund request is open on the order (one for some lines, found short or
   damaged on receiving, does not hold back the lines that arrived);
5. fewer than HANDOVER_MAX_WRONG_TRIES wrong codes for this order in the current window
   (HANDOVER_WINDOW_SECONDS, counted from the first wrong try): once reached, even the right
   code is refused until the window has passed, so the 6-digit code cannot be guessed;
6. the order is at the service point (at_service_point). An order can only get there paid
   (online) or as cash on pickup (county_sites.orders.states), so this is also the "paid or
   cash to collect" rule;
7. the pickup code is right; a wrong one counts a try;
8. the chosen lines are the order's and still to hand over (arrived or not checked line by
   line, and not handed over yet).

Then (_hand_over_locked): the lines are marked handed over under one OrderHandover (with who
collected and their relation); for a cash order the cash for just those lines is booked with
their split, under the hand-over's key (the delivery fee with the first hand-over), so the
ledger's one-cash-receipt-per-key constraint has the last word on a double booking. If lines
are left, the order stays at the point under a new pickup code, sent to the buyer by SMS (the
old one is void); the last lines make it collected (moves.order_collect_locked).
"""

import math
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.services import sms_send
from core.errors import ApplicationError
from core.roles import county_operator_check
from county_sites.ledger.services import ledger_record_cash_receipt
from county_sites.orders import states
from county_sites.orders.models import Order, OrderHandover, OrderLine, RefundRequest
from county_sites.orders.selectors import (
    handover_cash_due,
    handover_is_first,
    order_lines_to_hand_over,
)
from county_sites.orders.services.base import order_event_log, order_lock, order_move_check
from county_sites.orders.services.moves import (
    MSG_PICKUP_CODE_WRONG,
    order_collect_locked,
    pickup_code_matches,
)

# The code draw and its retry are order_place's: a new code for the rest of an order obeys
# the same uniqueness among open orders (orders_order_open_pickup_code_unique).
from county_sites.orders.services.placing import (
    MSG_BUSY,
    PLACE_ATTEMPTS,
    _constraint_name,
    _pickup_code,
)
from service_points.selectors import clerk_point_for_user

MSG_NOT_A_CLERK = _("只有营业中服务点的在岗店员才能交付包裹。")
MSG_NOT_FOUND_HERE = _("本服务点没有这个包裹。")
MSG_REFUND_OPEN = _("订单 %(number)s 有未处理的退款申请，处理完之前不能交付。")
MSG_TOO_MANY_TRIES = _("取货码错误次数太多，请 %(minutes)s 分钟后再试。")
MSG_COLLECTOR_NAME_REQUIRED = _("代取时请填写取货人姓名。")
MSG_NO_LINES_CHOSEN = _("请至少选择一件这次交付的商品。")
MSG_LINE_NOT_TO_HAND_OVER = _("所选商品不能交付：不是这个订单的，已经交付过，或到货时缺货、破损。")
MSG_NOTHING_TO_HAND_OVER = _("订单 %(number)s 没有可以交付的商品。")
NOTE_COLLECTED_BY = _("代取：%(name)s（%(relation)s）")
NOTE_COLLECTED_BY_NO_RELATION = _("代取：%(name)s")
NOTE_PARTIAL = _("部分交付：%(lines)s")
SMS_REST_NEW_CODE = _(
    "【丰收】订单 %(number)s 已取走部分商品。其余商品请凭新取货码 %(code)s 到 %(point)s 领取，"
    "原取货码作废。"
)

HANDOVER_MAX_WRONG_TRIES = 5
HANDOVER_WINDOW_SECONDS = 15 * 60
COLLECTOR_NAME_MAX = 64
COLLECTOR_RELATION_MAX = 32
HANDOVER_KEY_MAX = 64
PICKUP_CODE_CONSTRAINT = "orders_order_open_pickup_code_unique"


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


def _collector(collected_by_name: str, relation: str) -> tuple[str, str]:
    name = (collected_by_name or "").strip()[:COLLECTOR_NAME_MAX]
    relation = (relation or "").strip()[:COLLECTOR_RELATION_MAX]
    if relation and not name:
        raise ApplicationError(MSG_COLLECTOR_NAME_REQUIRED, field="collected_by_name")
    return name, relation


def _collector_note(name: str, relation: str) -> str:
    if not name:
        return ""
    if relation:
        return gettext(NOTE_COLLECTED_BY) % {"name": name, "relation": relation}
    return gettext(NOTE_COLLECTED_BY_NO_RELATION) % {"name": name}


def handover_key_clean(handover_key: str) -> str:
    """The form's hand-over key, or a fresh one when it brought none (or a malformed one):
    without a key a retry is still refused (the old code is void, or the order collected),
    only less kindly."""
    key = (handover_key or "").strip()
    if not key or len(key) > HANDOVER_KEY_MAX:
        return uuid.uuid4().hex
    return key


def _line_ids_clean(line_ids: Iterable | None) -> set[int] | None:
    if line_ids is None:
        return None
    try:
        ids = {int(line_id) for line_id in line_ids}
    except (TypeError, ValueError):
        raise ApplicationError(MSG_LINE_NOT_TO_HAND_OVER, field="lines") from None
    if not ids:
        raise ApplicationError(MSG_NO_LINES_CHOSEN, field="lines")
    return ids


@transaction.atomic
def order_hand_over(
    *,
    clerk_user,
    order: Order | int,
    pickup_code: str,
    collected_by_name: str = "",
    relation: str = "",
    line_ids: Iterable[int] | None = None,
    handover_key: str = "",
) -> Order:
    """Hand lines of a pickup order over at the clerk's own point, by its pickup code (rules
    in the module docstring). `line_ids`: the lines the buyer takes now (None: every line
    still to hand over). `collected_by_name` and `relation`: someone collecting for the buyer,
    recorded on the hand-over and the order event's note. `handover_key`: the form's, so the
    same form posted twice hands over once.

    Returns the order, with `handover` (the OrderHandover made, or found again on a replay)
    and `replayed` (True when nothing was done because that hand-over had been made before).
    """
    point = clerk_point_for_user(user=clerk_user)
    if point is None:
        raise ApplicationError(MSG_NOT_A_CLERK)
    try:
        order = order_lock(order)
    except Order.DoesNotExist:
        raise ApplicationError(MSG_NOT_FOUND_HERE) from None
    if order.fulfilment != Order.Fulfilment.PICKUP or order.service_point_id != point.pk:
        raise ApplicationError(MSG_NOT_FOUND_HERE)
    key = handover_key_clean(handover_key)
    done = OrderHandover.objects.filter(order=order, key=key).first()
    if done is not None:
        order.handover, order.replayed = done, True
        return order
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
    name, relation = _collector(collected_by_name, relation)
    ids = _line_ids_clean(line_ids)
    if not pickup_code_matches(order, pickup_code):
        _wrong_try_count(order)
        raise ApplicationError(MSG_PICKUP_CODE_WRONG, field="pickup_code")
    return _hand_over_locked(
        order, actor=clerk_user, line_ids=ids, key=key, name=name, relation=relation
    )


@transaction.atomic
def order_collect(*, order: Order | int, actor, pickup_code: str) -> Order:
    """The operator's hand-over (the admin's act page), by the pickup code: every line still
    to hand over goes, at_service_point -> collected; for a cash order this is when the money
    for them is taken, booked in the ledger with its split."""
    county_operator_check(actor)
    order = order_lock(order)
    order_move_check(order, states.COLLECT)
    if not pickup_code_matches(order, pickup_code):
        raise ApplicationError(MSG_PICKUP_CODE_WRONG, field="pickup_code")
    return _hand_over_locked(
        order, actor=actor, line_ids=None, key=handover_key_clean(""), name="", relation=""
    )


def _hand_over_locked(
    order: Order, *, actor, line_ids: set[int] | None, key: str, name: str, relation: str
) -> Order:
    """Hand `line_ids` (None: all that are left) of a locked, checked order over."""
    remaining = order_lines_to_hand_over(order=order)
    if not remaining:
        raise ApplicationError(MSG_NOTHING_TO_HAND_OVER % {"number": order.number})
    by_id = {line.pk: line for line in remaining}
    if line_ids is None:
        line_ids = set(by_id)
    if not line_ids <= by_id.keys():
        raise ApplicationError(MSG_LINE_NOT_TO_HAND_OVER, field="lines")
    lines = [by_id[line_id] for line_id in sorted(line_ids)]
    first = handover_is_first(order=order)
    at = timezone.now()
    handover = OrderHandover(
        order=order,
        key=key,
        handed_by=actor,
        collected_by_name=name,
        relation=relation,
        cash_fen=handover_cash_due(order=order, lines=lines),
        at=at,
    )
    handover.full_clean(validate_constraints=False)  # the key's uniqueness: the database's
    handover.save()
    OrderLine.objects.filter(pk__in=line_ids).update(handed_over_at=at, handover=handover)
    if not order.is_online:
        ledger_record_cash_receipt(
            order=order, lines=lines, receipt_key=key, delivery_fee=first, at=at
        )
    note = _collector_note(name, relation)
    if len(lines) < len(remaining):
        _rest_keep(order, actor=actor, lines=lines, note=note)
    else:
        order_collect_locked(order, actor=actor, note=note, at=at)
    order.handover, order.replayed = handover, False
    return order


def _rest_keep(order: Order, *, actor, lines: list[OrderLine], note: str) -> None:
    """Some lines stay on the shelf: a new pickup code for them (the old one is void), the
    partial hand-over in the order's log, and the new code to the buyer."""
    _pickup_code_renew(order)
    handed = "、".join(f"{line.title} × {line.quantity}" for line in lines)
    partial = gettext(NOTE_PARTIAL) % {"lines": handed}
    order_event_log(
        order,
        order.state,
        order.state,
        actor=actor,
        note=f"{partial}；{note}" if note else partial,
    )
    mobile = order.contact_mobile or order.buyer.mobile
    if not mobile:
        return
    with translation.override(settings.LANGUAGE_CODE):
        text = str(
            SMS_REST_NEW_CODE
            % {
                "number": order.number,
                "code": order.pickup_code,
                "point": order.service_point.name,
            }
        )
    sms_send(mobile=mobile, text=text)


def _pickup_code_renew(order: Order) -> None:
    for _attempt in range(PLACE_ATTEMPTS):
        order.pickup_code = _pickup_code()  # never the current one: it is an open order's
        try:
            with transaction.atomic():
                order.save(update_fields=["pickup_code", "updated_at"])
        except IntegrityError as error:
            if _constraint_name(error) != PICKUP_CODE_CONSTRAINT:
                raise
            continue  # drawn by another order in between: draw again
        return
    raise ApplicationError(MSG_BUSY)
