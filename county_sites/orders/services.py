"""Writes for carts, orders, refund requests and delivery zones; run inside the county's schema.

Stock: order_place reserves with one conditional UPDATE per listing, in listing-id order
(`stock = stock - q WHERE stock >= q AND state = 'approved'`), so concurrent checkouts of the
last units sell exactly what exists and never deadlock. Stock goes back once, at most
(Order.stock_released_at), when an order is cancelled or refunded before preparation.

Idempotency: (buyer, idempotency_key) is unique; a retry or double tap gets the same order.

Every state move locks the order row (SELECT ... FOR UPDATE), checks the move against
county_sites.orders.states and logs an OrderEvent; a refusal raises ApplicationError inside the
transaction, so nothing is changed.
"""

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.services import sms_send
from core.errors import ApplicationError, full_clean_or_refuse
from core.roles import is_county_operator
from county_sites.ledger.services import ledger_record_receipt, ledger_record_refund
from county_sites.orders import states
from county_sites.orders.models import (
    Cart,
    CartLine,
    DeliveryZone,
    Order,
    OrderEvent,
    OrderLine,
    RefundRequest,
    RefundRequestPhoto,
)
from farmers.images import photo_normalise, photo_validate
from farmers.models import Listing
from service_points.models import ServicePoint

MSG_LISTING_UNAVAILABLE = _("“%(title)s”已下架或不存在，请从购物车中移除。")
MSG_BELOW_MINIMUM = _("“%(title)s”起订量为 %(min)s，请增加数量。")
MSG_OUT_OF_STOCK = _("“%(title)s”库存不足，仅剩 %(stock)s。")
MSG_QUANTITY_INVALID = _("数量必须是大于0的整数。")
MSG_CART_EMPTY = _("购物车是空的。")
MSG_KEY_INVALID = _("提交标识无效，请刷新页面后重试。")
MSG_FULFILMENT_INVALID = _("请选择服务点自提或送货上门。")
MSG_PAYMENT_INVALID = _("请选择支付方式。")
MSG_CASH_NEEDS_PICKUP = _("到服务点付现金只能用于服务点自提的订单。")
MSG_POINT_REQUIRED = _("请选择一个营业中的服务点。")
MSG_ZONE_REQUIRED = _("请选择一个配送区域。")
MSG_ADDRESS_REQUIRED = _("送货上门请填写收货地址。")
MSG_BUSY = _("系统繁忙，请稍后重试。")
MSG_CANNOT_MOVE = _("订单 %(number)s 现在是“%(state)s”，不能%(action)s。")
MSG_NOT_YOUR_ORDER = _("这不是您的订单。")
MSG_OPERATOR_ONLY = _("只有县级运营人员可以这样做。")
MSG_PICKUP_CODE_WRONG = _("取货码不正确。")
MSG_REFUND_REASON_REQUIRED = _("请填写退款原因。")
MSG_REFUND_TOO_MANY_PHOTOS = _("最多上传 %(max)s 张照片。")
MSG_REFUND_NOT_OPEN = _("这个退款申请已经处理过了。")
MSG_REFUSAL_REASON_REQUIRED = _("拒绝退款时必须填写原因，买家会看到它。")
MSG_CANCELLED_TIMEOUT = _("超时未支付，订单已自动取消。")
MSG_UNKNOWN_FIELDS = _("这些字段不能在这里修改：%(fields)s。")
MSG_ZONE_FEE_INVALID = _("配送费必须是不小于0的整数（单位：分）。")
SMS_ORDER_PLACED_PICKUP = _(
    "【丰收】订单 %(number)s 已提交，金额 %(total)s 元，到 %(point)s 取货，取货码 %(code)s。"
)
SMS_ORDER_PLACED_DELIVERY = _("【丰收】订单 %(number)s 已提交，金额 %(total)s 元，我们会尽快送货。")

ACTION_LABELS = {
    states.PAY: _("支付"),
    states.PREPARE: _("开始备货"),
    states.ARRIVE: _("标记为已到服务点"),
    states.COLLECT: _("取货"),
    states.DELIVER: _("标记为已送达"),
    states.CANCEL: _("取消"),
    states.REQUEST_REFUND: _("申请退款"),
    states.APPROVE_REFUND: _("退款"),
}

MAX_REFUND_PHOTOS = 3
PICKUP_CODE_DIGITS = 6
# Retries when a random order number or pickup code collides (about 1 in 10^6 per open order).
PLACE_ATTEMPTS = 5
IDEMPOTENCY_CONSTRAINT = "orders_order_idempotency_unique"
DELIVERY_ZONE_EDITABLE_FIELDS = ("name", "description", "fee_fen", "sort_order", "is_active")
# A new zone goes this far after the last one: room to slot one in between by hand later.
ZONE_SORT_STEP = 10


# ------------------------------------------------------------------------------
# Cart
# ------------------------------------------------------------------------------
def _quantity(value) -> int:
    try:
        quantity = int(value)
    except (TypeError, ValueError):
        raise ApplicationError(MSG_QUANTITY_INVALID, field="quantity") from None
    if quantity < 1:
        raise ApplicationError(MSG_QUANTITY_INVALID, field="quantity")
    return quantity


def cart_line_check(*, listing_id: int, quantity) -> tuple[Listing, int]:
    """The live listing and a valid quantity for a cart line (stock is checked at checkout)."""
    quantity = _quantity(quantity)
    listing = Listing.objects.filter(pk=listing_id).first()
    if listing is None or listing.state != Listing.State.APPROVED:
        title = listing.title if listing else ""
        raise ApplicationError(MSG_LISTING_UNAVAILABLE % {"title": title}, field="listing")
    if quantity < listing.min_order_qty:
        raise ApplicationError(
            MSG_BELOW_MINIMUM % {"title": listing.title, "min": listing.min_order_qty},
            field="quantity",
        )
    return listing, quantity


@transaction.atomic
def cart_line_set(*, user, listing_id: int, quantity) -> CartLine:
    """Put `quantity` of a live listing in the user's cart (replacing what was there)."""
    listing, quantity = cart_line_check(listing_id=listing_id, quantity=quantity)
    cart, _created = Cart.objects.get_or_create(user=user)
    line, _created = CartLine.objects.update_or_create(
        cart=cart, listing=listing, defaults={"quantity": quantity}
    )
    return line


@transaction.atomic
def cart_line_remove(*, user, listing_id: int) -> None:
    CartLine.objects.filter(cart__user=user, listing_id=listing_id).delete()


@transaction.atomic
def cart_clear(*, user, listing_ids: Iterable[int] | None = None) -> None:
    lines = CartLine.objects.filter(cart__user=user)
    if listing_ids is not None:
        lines = lines.filter(listing_id__in=list(listing_ids))
    lines.delete()


@transaction.atomic
def cart_merge(*, user, session_lines: dict) -> int:
    """Merge an anonymous visitor's session cart ({listing id: quantity}) into their cart on
    sign-in: the larger quantity wins; lines no longer orderable are dropped. Returns how
    many lines were merged."""
    merged = 0
    if not session_lines:
        return merged
    cart, _created = Cart.objects.get_or_create(user=user)
    existing = dict(cart.lines.values_list("listing_id", "quantity"))
    for raw_id, raw_quantity in session_lines.items():
        try:
            listing, quantity = cart_line_check(listing_id=int(raw_id), quantity=raw_quantity)
        except (ApplicationError, ValueError):
            continue
        quantity = max(quantity, existing.get(listing.pk, 0))
        CartLine.objects.update_or_create(
            cart=cart, listing=listing, defaults={"quantity": quantity}
        )
        merged += 1
    return merged


# ------------------------------------------------------------------------------
# Placing an order
# ------------------------------------------------------------------------------
def _merge_lines(lines) -> dict[int, int]:
    merged: dict[int, int] = {}
    for listing, quantity in lines:
        listing_id = getattr(listing, "pk", listing)
        merged[int(listing_id)] = merged.get(int(listing_id), 0) + _quantity(quantity)
    if not merged:
        raise ApplicationError(MSG_CART_EMPTY)
    return merged


def _reserve(listing_id: int, quantity: int) -> None:
    """Take `quantity` from the listing's stock, or refuse saying why."""
    taken = Listing.objects.filter(
        pk=listing_id,
        state=Listing.State.APPROVED,
        stock__gte=quantity,
        min_order_qty__lte=quantity,
    ).update(stock=F("stock") - quantity)
    if taken == 1:
        return
    listing = Listing.objects.filter(pk=listing_id).first()
    if listing is None or listing.state != Listing.State.APPROVED:
        raise ApplicationError(
            MSG_LISTING_UNAVAILABLE % {"title": listing.title if listing else ""}, field="lines"
        )
    if quantity < listing.min_order_qty:
        raise ApplicationError(
            MSG_BELOW_MINIMUM % {"title": listing.title, "min": listing.min_order_qty},
            field="lines",
        )
    raise ApplicationError(
        MSG_OUT_OF_STOCK % {"title": listing.title, "stock": listing.stock}, field="lines"
    )


def _order_number() -> str:
    return f"{timezone.localdate():%y%m%d}{secrets.randbelow(10**8):08d}"


def _pickup_code() -> str:
    for _attempt in range(20):
        code = f"{secrets.randbelow(10**PICKUP_CODE_DIGITS):0{PICKUP_CODE_DIGITS}d}"
        if not Order.objects.filter(pickup_code=code, state__in=Order.OPEN_STATES).exists():
            return code
    return code  # the partial unique constraint has the last word; order_place retries


def _constraint_name(error: IntegrityError) -> str | None:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def _check_fulfilment(
    *, fulfilment, service_point, delivery_zone, delivery_address, payment_method
):
    if fulfilment not in Order.Fulfilment.values:
        raise ApplicationError(MSG_FULFILMENT_INVALID, field="fulfilment")
    if payment_method not in Order.PaymentMethod.values:
        raise ApplicationError(MSG_PAYMENT_INVALID, field="payment_method")
    if fulfilment == Order.Fulfilment.PICKUP:
        point_id = getattr(service_point, "pk", service_point)
        point = (
            ServicePoint.objects.filter(pk=point_id, is_active=True).first() if point_id else None
        )
        if point is None:
            raise ApplicationError(MSG_POINT_REQUIRED, field="service_point")
        return point, None, 0
    if payment_method == Order.PaymentMethod.CASH_ON_PICKUP:
        raise ApplicationError(MSG_CASH_NEEDS_PICKUP, field="payment_method")
    zone_id = getattr(delivery_zone, "pk", delivery_zone)
    zone = DeliveryZone.objects.filter(pk=zone_id, is_active=True).first() if zone_id else None
    if zone is None:
        raise ApplicationError(MSG_ZONE_REQUIRED, field="delivery_zone")
    if not (delivery_address or "").strip():
        raise ApplicationError(MSG_ADDRESS_REQUIRED, field="delivery_address")
    return None, zone, zone.fee_fen


def order_place(
    *,
    buyer,
    lines: Iterable[tuple],
    fulfilment: str,
    payment_method: str,
    idempotency_key: str,
    service_point=None,
    delivery_zone=None,
    delivery_address: str = "",
    contact_mobile: str = "",
    entered_by=None,
) -> Order:
    """Place an order for `buyer`: reserve stock, snapshot the lines, total = lines + fee.

    `lines` are (listing or listing id, quantity) pairs. The same (buyer, idempotency_key)
    again returns the order made the first time, whatever the lines say, and changes nothing.
    `entered_by` is the clerk typing it in for the buyer (None: the buyer themselves). The
    returned order has `was_placed` True only for the call that created it.
    """
    key = (idempotency_key or "").strip()
    if not key or len(key) > 64:
        raise ApplicationError(MSG_KEY_INVALID, field="idempotency_key")
    existing = Order.objects.filter(buyer=buyer, idempotency_key=key).first()
    if existing is not None:
        existing.was_placed = False
        return existing

    point, zone, fee = _check_fulfilment(
        fulfilment=fulfilment,
        service_point=service_point,
        delivery_zone=delivery_zone,
        delivery_address=delivery_address,
        payment_method=payment_method,
    )
    wanted = _merge_lines(lines)
    for _attempt in range(PLACE_ATTEMPTS):
        try:
            with transaction.atomic():
                order = _order_create(
                    buyer=buyer,
                    wanted=wanted,
                    fulfilment=fulfilment,
                    point=point,
                    zone=zone,
                    fee=fee,
                    delivery_address=delivery_address.strip(),
                    contact_mobile=contact_mobile or buyer.mobile,
                    payment_method=payment_method,
                    key=key,
                    entered_by=entered_by,
                )
        except IntegrityError as error:
            if _constraint_name(error) == IDEMPOTENCY_CONSTRAINT:
                # The same submission committed first (a double tap): that is the order.
                order = Order.objects.get(buyer=buyer, idempotency_key=key)
                order.was_placed = False
                return order
            if _constraint_name(error) in (
                "orders_order_number_key",
                "orders_order_open_pickup_code_unique",
            ):
                continue  # a random number or pickup code collided: draw again
            raise
        order.was_placed = True
        return order
    raise ApplicationError(MSG_BUSY)


def _order_create(
    *, buyer, wanted, fulfilment, point, zone, fee, delivery_address, contact_mobile,
    payment_method, key, entered_by,
) -> Order:  # fmt: skip
    # Fixed order (listing id): two orders of the same listings can never deadlock.
    for listing_id in sorted(wanted):
        _reserve(listing_id, wanted[listing_id])
    # These rows are ours (locked by the UPDATE) until commit: the snapshot is consistent.
    listings = Listing.objects.in_bulk(sorted(wanted))
    now = timezone.now()
    lines_total = sum(listings[pk].price_fen * quantity for pk, quantity in wanted.items())
    order = Order(
        number=_order_number(),
        buyer=buyer,
        entered_by=entered_by,
        buyer_confirmed_at=now if entered_by is None else None,
        idempotency_key=key,
        fulfilment=fulfilment,
        service_point=point,
        pickup_code=_pickup_code() if fulfilment == Order.Fulfilment.PICKUP else "",
        delivery_zone=zone,
        delivery_address=delivery_address,
        contact_mobile=contact_mobile or "",
        payment_method=payment_method,
        lines_total_fen=lines_total,
        delivery_fee_fen=fee,
        total_fen=lines_total + fee,
        commission_bp=settings.FENGSHOU_DEFAULT_COMMISSION_BP,
        placed_at=now,
    )
    order.full_clean(validate_unique=False, validate_constraints=False)
    order.save()
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                listing_id=pk,
                seller_id=listings[pk].seller_id,
                title=listings[pk].title,
                unit=listings[pk].unit,
                price_fen=listings[pk].price_fen,
                quantity=wanted[pk],
                line_total_fen=listings[pk].price_fen * wanted[pk],
            )
            for pk in sorted(wanted)
        ]
    )
    _event(order, "", Order.State.PLACED, actor=entered_by or buyer)
    _sms_order_placed(order)
    return order


def _sms_order_placed(order: Order) -> None:
    """The confirmation text to the buyer, through accounts' SMS outbox, sent after commit."""
    if not order.contact_mobile:
        return
    with translation.override(settings.LANGUAGE_CODE):
        if order.fulfilment == Order.Fulfilment.PICKUP:
            text = SMS_ORDER_PLACED_PICKUP % {
                "number": order.number,
                "total": order.total_yuan,
                "point": order.service_point.name,
                "code": order.pickup_code,
            }
        else:
            text = SMS_ORDER_PLACED_DELIVERY % {"number": order.number, "total": order.total_yuan}
        text = str(text)
    sms_send(mobile=order.contact_mobile, text=text)


@transaction.atomic
def order_buyer_confirm(*, order: Order, buyer) -> Order:
    """The buyer confirms an order a clerk entered for them (once; later calls change nothing)."""
    order = _lock(order)
    if order.buyer_id != buyer.pk:
        raise ApplicationError(MSG_NOT_YOUR_ORDER)
    if order.buyer_confirmed_at is None:
        order.buyer_confirmed_at = timezone.now()
        order.save(update_fields=["buyer_confirmed_at", "updated_at"])
    return order


# ------------------------------------------------------------------------------
# State moves
# ------------------------------------------------------------------------------
def _lock(order: Order | int) -> Order:
    return Order.objects.select_for_update().get(pk=getattr(order, "pk", order))


def _event(order: Order, from_state: str, to_state: str, *, actor=None, note: str = "") -> None:
    OrderEvent.objects.create(
        order=order, from_state=from_state, to_state=to_state, actor=actor, note=str(note)[:255]
    )


def _move(order: Order, move: str, *, actor=None, note: str = "") -> Order:
    """Apply `move` to a locked order or refuse; logs the event."""
    if not states.can(move, order):
        raise ApplicationError(
            MSG_CANNOT_MOVE
            % {
                "number": order.number,
                "state": order.get_state_display(),
                "action": ACTION_LABELS[move],
            },
            field="state",
        )
    from_state = order.state
    order.state = states.TARGET[move]
    order.full_clean(validate_unique=False, validate_constraints=False)
    order.save()
    _event(order, from_state, order.state, actor=actor, note=note)
    return order


def _check_operator(actor) -> None:
    if not is_county_operator(actor):
        raise ApplicationError(MSG_OPERATOR_ONLY)


def _stock_release(order: Order) -> bool:
    """Give the order's quantities back to its listings, once ever. True if released now."""
    if order.stock_released_at is not None:
        return False
    for line in order.lines.order_by("listing_id"):
        Listing.objects.filter(pk=line.listing_id).update(stock=F("stock") + line.quantity)
    order.stock_released_at = timezone.now()
    order.save(update_fields=["stock_released_at", "updated_at"])
    return True


@transaction.atomic
def order_mark_paid(*, order: Order | int) -> Order:
    """placed -> paid, and book the payment in the ledger. For county_sites.payments only,
    once the bank has confirmed the money; an already paid order is returned unchanged."""
    order = _lock(order)
    if order.paid_at is not None:
        return order
    _move(order, states.PAY)
    order.paid_at = timezone.now()
    order.save(update_fields=["paid_at", "updated_at"])
    ledger_record_receipt(order=order, cash=False, at=order.paid_at)
    return order


@transaction.atomic
def order_cancel(*, order: Order | int, actor, reason: str = "") -> Order:
    """Cancel an order not yet being prepared and give its stock back. By the buyer or a
    county operator; `actor=None` is the system (payment timeout). An online order's bank
    transaction is closed first, so it can no longer be paid."""
    order = _lock(order)
    if actor is not None and actor.pk != order.buyer_id:
        _check_operator(actor)
    if not states.can(states.CANCEL, order):
        _move(order, states.CANCEL)  # raises the refusal
    if order.is_online:
        from county_sites.payments.services import payment_close

        payment_close(order=order)  # refuses if the bank has already taken the money
    _move(order, states.CANCEL, actor=actor, note=reason)
    order.cancelled_at = timezone.now()
    order.cancel_reason = str(reason)[:255]
    order.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    _stock_release(order)
    return order


@transaction.atomic
def order_prepare(*, order: Order | int, actor) -> Order:
    """paid -> preparing (online) or placed -> preparing (cash on pickup). Operators only."""
    _check_operator(actor)
    return _move(_lock(order), states.PREPARE, actor=actor)


@transaction.atomic
def order_arrive(*, order: Order | int, actor) -> Order:
    """preparing -> at_service_point: the parcel is on the point's shelf."""
    _check_operator(actor)
    return _move(_lock(order), states.ARRIVE, actor=actor)


@transaction.atomic
def order_deliver(*, order: Order | int, actor) -> Order:
    """preparing -> delivered (delivery orders)."""
    _check_operator(actor)
    order = _move(_lock(order), states.DELIVER, actor=actor)
    order.completed_at = timezone.now()
    order.save(update_fields=["completed_at", "updated_at"])
    return order


@transaction.atomic
def order_collect(*, order: Order | int, actor, pickup_code: str) -> Order:
    """at_service_point -> collected, by the pickup code. For a cash order this is when the
    money is taken: the cash and its split are booked in the ledger."""
    _check_operator(actor)
    order = _lock(order)
    if not states.can(states.COLLECT, order):
        _move(order, states.COLLECT)  # raises the refusal
    if not secrets.compare_digest(str(pickup_code or "").strip(), order.pickup_code):
        raise ApplicationError(MSG_PICKUP_CODE_WRONG, field="pickup_code")
    _move(order, states.COLLECT, actor=actor)
    order.completed_at = timezone.now()
    order.save(update_fields=["completed_at", "updated_at"])
    if not order.is_online:
        ledger_record_receipt(order=order, cash=True, at=order.completed_at)
    return order


def order_expire(*, order_id: int, now=None) -> Order | None:
    """The payment timeout of one online order: ask the bank first (a lost notify must not
    cancel a paid order), then cancel and release the stock if it is still unpaid."""
    from county_sites.payments.services import payment_reconcile

    payment_reconcile(order_id=order_id)
    now = now or timezone.now()
    deadline = now - timezone.timedelta(minutes=settings.FENGSHOU_ORDER_PAYMENT_MINUTES)
    with transaction.atomic():
        order = _lock(order_id)
        if order.state != Order.State.PLACED or not order.is_online or order.placed_at > deadline:
            return None
        try:
            return order_cancel(order=order, actor=None, reason=MSG_CANCELLED_TIMEOUT)
        except ApplicationError:
            return None  # paid meanwhile: the next reconciliation applies it


def orders_cancel_expired(*, now=None) -> list[str]:
    """Cancel every online order unpaid for FENGSHOU_ORDER_PAYMENT_MINUTES; their numbers."""
    from county_sites.orders.selectors import order_ids_awaiting_payment

    now = now or timezone.now()
    cancelled = []
    for order_id in order_ids_awaiting_payment(
        older_than=now - timezone.timedelta(minutes=settings.FENGSHOU_ORDER_PAYMENT_MINUTES)
    ):
        order = order_expire(order_id=order_id, now=now)
        if order is not None:
            cancelled.append(order.number)
    return cancelled


# ------------------------------------------------------------------------------
# Refunds
# ------------------------------------------------------------------------------
def _photos_prepare(photos) -> list:
    photos = [photo for photo in (photos or []) if photo]
    if len(photos) > MAX_REFUND_PHOTOS:
        raise ApplicationError(
            MSG_REFUND_TOO_MANY_PHOTOS % {"max": MAX_REFUND_PHOTOS}, field="photos"
        )
    # Decode and clean every photo before writing anything.
    return [photo_normalise(photo_validate(photo)) for photo in photos]


def refund_request_create(*, buyer, order: Order, reason: str, photos=()) -> RefundRequest:
    """The buyer asks for the whole order's money back, with a reason and up to 3 photos."""
    from django.core.files.base import ContentFile

    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(MSG_REFUND_REASON_REQUIRED, field="reason")
    normalised = _photos_prepare(photos)
    with transaction.atomic():
        order = _lock(order)
        if order.buyer_id != buyer.pk:
            raise ApplicationError(MSG_NOT_YOUR_ORDER)
        state_before = order.state
        _move(order, states.REQUEST_REFUND, actor=buyer, note=reason)
        order.state_before_refund = state_before
        order.save(update_fields=["state_before_refund", "updated_at"])
        request = RefundRequest(
            order=order, reason=reason, amount_fen=order.total_fen, requested_by=buyer
        )
        request.full_clean()
        request.save()
        for photo in normalised:
            RefundRequestPhoto.objects.create(
                refund_request=request,
                image=ContentFile(photo.data, name=f"photo.{photo.extension}"),
            )
    return request


def _lock_request(refund_request: RefundRequest | int) -> RefundRequest:
    request = RefundRequest.objects.select_for_update().get(
        pk=getattr(refund_request, "pk", refund_request)
    )
    if request.state != RefundRequest.State.REQUESTED:
        raise ApplicationError(MSG_REFUND_NOT_OPEN)
    return request


@transaction.atomic
def refund_approve(*, actor, refund_request: RefundRequest | int) -> RefundRequest:
    """Give the money back through the provider that took it (the bank's refund API, or cash
    from the till), book it in the ledger, and put the stock back if the order had not been
    prepared yet."""
    from county_sites.payments.services import refund_execute

    _check_operator(actor)
    order = _lock(
        getattr(refund_request, "order_id", None)
        or RefundRequest.objects.get(pk=refund_request).order_id
    )
    request = _lock_request(refund_request)
    _move(order, states.APPROVE_REFUND, actor=actor)
    refund_execute(order=order, refund_request=request)
    ledger_record_refund(order=order, refund_request=request)
    if order.state_before_refund == Order.State.PAID:
        _stock_release(order)
    request.state = RefundRequest.State.APPROVED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def refund_refuse(*, actor, refund_request: RefundRequest | int, reason: str) -> RefundRequest:
    """Refuse with a reason the buyer sees; the order goes back to where it was."""
    _check_operator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(MSG_REFUSAL_REASON_REQUIRED, field="reason")
    order = _lock(
        getattr(refund_request, "order_id", None)
        or RefundRequest.objects.get(pk=refund_request).order_id
    )
    request = _lock_request(refund_request)
    from_state = order.state
    order.state = order.state_before_refund
    order.state_before_refund = ""
    order.save(update_fields=["state", "state_before_refund", "updated_at"])
    _event(order, from_state, order.state, actor=actor, note=reason)
    request.state = RefundRequest.State.REFUSED
    request.refusal_reason = reason
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.full_clean()
    request.save()
    return request


# ------------------------------------------------------------------------------
# Delivery zones
# ------------------------------------------------------------------------------
def _check_fee(fee_fen) -> None:
    # Integer fen, like every amount: 8.5 or "800" is a caller's bug, refused rather than cast.
    if isinstance(fee_fen, bool) or not isinstance(fee_fen, int) or fee_fen < 0:
        raise ApplicationError(MSG_ZONE_FEE_INVALID, field="fee_fen")


@transaction.atomic
def delivery_zone_create(
    *,
    actor,
    name: str,
    description: str = "",
    fee_fen: int = 0,
    sort_order: int | None = None,
    is_active: bool = True,
) -> DeliveryZone:
    """A new delivery zone, by a county operator (the demo seeding acts as one);
    `sort_order` None puts it after the last zone."""
    _check_operator(actor)
    _check_fee(fee_fen)
    if sort_order is None:
        last = DeliveryZone.objects.aggregate(last=Max("sort_order"))["last"]
        sort_order = 0 if last is None else last + ZONE_SORT_STEP
    zone = DeliveryZone(
        name=name.strip(),
        description=description.strip(),
        fee_fen=fee_fen,
        sort_order=sort_order,
        is_active=is_active,
    )
    full_clean_or_refuse(zone)
    zone.save()
    return zone


@transaction.atomic
def delivery_zone_update(*, actor, zone: DeliveryZone, **changes) -> DeliveryZone:
    """Change a zone's DELIVERY_ZONE_EDITABLE_FIELDS. A zone is deactivated
    (is_active=False), never deleted: orders keep it. Orders already placed keep the fee they
    were placed with (Order.delivery_fee_fen)."""
    _check_operator(actor)
    unknown = set(changes) - set(DELIVERY_ZONE_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(MSG_UNKNOWN_FIELDS % {"fields": ", ".join(sorted(unknown))})
    if "fee_fen" in changes:
        _check_fee(changes["fee_fen"])
    locked = DeliveryZone.objects.select_for_update().get(pk=zone.pk)
    if not changes:
        return locked
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    full_clean_or_refuse(locked)
    locked.save(update_fields=list(changes))
    return locked
