"""Placing an order, and the buyer's confirmation of one a clerk entered for them.

Stock: order_place reserves with one conditional UPDATE per listing, in listing-id order
(`stock = stock - q WHERE stock >= q AND state = 'approved'`), so concurrent checkouts of the
last units sell exactly what exists and never deadlock. Stock goes back once, at most
(Order.stock_released_at), when an order is cancelled or refunded before preparation.

Idempotency: (buyer, idempotency_key) is unique; a retry or double tap gets the same order.
"""

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.services import MOBILE_INVALID, mobile_normalize, sms_send
from core.errors import ApplicationError
from core.limits import DB_INT_MAX
from county_sites.orders.models import DeliveryZone, Order, OrderLine
from county_sites.orders.services.base import MSG_NOT_YOUR_ORDER, order_event_log, order_lock
from county_sites.orders.services.cart import (
    MSG_BELOW_MINIMUM,
    MSG_LISTING_UNAVAILABLE,
    quantity_check,
)
from county_sites.orders.services.credit import (
    credit_order_prepare,
    credit_term_check,
    order_pay_from_credit_locked,
)
from farmers.models import Listing
from farmers.services.province import listing_province_sync_queue
from hub.models import County
from hub.selectors.policy import commission_bp_table
from service_points.models import ServicePoint

MSG_OUT_OF_STOCK = _("“%(title)s”库存不足，仅剩 %(stock)s。")
MSG_CART_EMPTY = _("购物车是空的。")
MSG_KEY_INVALID = _("提交标识无效，请刷新页面后重试。")
MSG_FULFILMENT_INVALID = _("请选择服务点自提或送货上门。")
MSG_PAYMENT_INVALID = _("请选择支付方式。")
MSG_CASH_NEEDS_PICKUP = _("到服务点付现金只能用于服务点自提的订单。")
MSG_POINT_REQUIRED = _("请选择一个营业中的服务点。")
MSG_ZONE_REQUIRED = _("请选择一个配送区域。")
MSG_ADDRESS_REQUIRED = _("送货上门请填写收货地址。")
MSG_BUSY = _("系统繁忙，请稍后重试。")
MSG_ADDRESS_TOO_LONG = _("收货地址最多 %(max)s 个字。")
MSG_ADDRESS_INVALID = _("收货地址中含有无效的字符。")
MSG_TOTAL_TOO_LARGE = _("订单金额过大，请分成几笔下单。")
MSG_CONTACT_TOO_MANY = _("这个联系电话今天已收到太多订单短信，请填写您本人的手机号。")
SMS_ORDER_PLACED_PICKUP = _(
    "【丰收】订单 %(number)s 已提交，金额 %(total)s 元，到 %(point)s 取货，取货码 %(code)s。"
)
SMS_ORDER_PLACED_DELIVERY = _("【丰收】订单 %(number)s 已提交，金额 %(total)s 元，我们会尽快送货。")

PICKUP_CODE_DIGITS = 6
# Placing texts the contact number (with the pickup code). The buyer's own number is proved by
# their SMS login; any other number may receive this many order texts a day in this county,
# from all buyers together, so nobody can use checkout to text a stranger again and again.
CONTACT_TEXTS_PER_DAY = 3
# Retries when a random order number or pickup code collides (about 1 in 10^6 per open order).
PLACE_ATTEMPTS = 5
IDEMPOTENCY_CONSTRAINT = "orders_order_idempotency_unique"


def _merge_lines(lines) -> dict[int, int]:
    merged: dict[int, int] = {}
    for listing, quantity in lines:
        listing_id = getattr(listing, "pk", listing)
        merged[int(listing_id)] = merged.get(int(listing_id), 0) + quantity_check(quantity)
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


def _contact_mobile_check(contact_mobile: str) -> str:
    """The order's contact number as the SMS login takes it (ASCII digits, full-width folded),
    or "" when none was given; anything else refused on its own field."""
    if not (contact_mobile or "").strip():
        return ""
    try:
        return mobile_normalize(mobile=contact_mobile)
    except ApplicationError:
        raise ApplicationError(MOBILE_INVALID, field="contact_mobile") from None


def _contact_allowance_check(*, buyer, contact_mobile: str) -> None:
    """Refuse a contact number that is not the buyer's own once it has had
    CONTACT_TEXTS_PER_DAY order texts in this county's last 24 hours."""
    if not contact_mobile or contact_mobile == buyer.mobile:
        return
    with connection.cursor() as cursor:
        # Two checkouts naming the same number wait for each other until commit.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext('orders.contact_mobile'), hashtext(%s))",
            [f"{connection.schema_name}:{contact_mobile}"],
        )
    since = timezone.now() - timedelta(hours=24)
    texted = (
        Order.objects.filter(
            contact_mobile=contact_mobile, placed_at__gte=since, entered_by__isnull=True
        )
        .exclude(buyer__mobile=contact_mobile)
        .count()
    )
    if texted >= CONTACT_TEXTS_PER_DAY:
        raise ApplicationError(MSG_CONTACT_TOO_MANY, field="contact_mobile")


def _delivery_address_check(delivery_address: str) -> str:
    address = (delivery_address or "").strip()
    limit = Order._meta.get_field("delivery_address").max_length
    if len(address) > limit:
        raise ApplicationError(MSG_ADDRESS_TOO_LONG % {"max": limit}, field="delivery_address")
    # Control characters (NUL above all, which PostgreSQL cannot store) are never an address.
    if any(ord(char) < 32 and char not in "\t\n\r" for char in address):
        raise ApplicationError(MSG_ADDRESS_INVALID, field="delivery_address")
    return address


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
    credit_term=None,
) -> Order:
    """Place an order for `buyer`: reserve stock, snapshot the lines, total = lines + fee.

    `lines` are (listing or listing id, quantity) pairs. The same (buyer, idempotency_key)
    again returns the order made the first time, whatever the lines say, and changes nothing.
    `entered_by` is the clerk typing it in for the buyer (None: the buyer themselves); such an
    order waits for the buyer's confirmation (services.assisted.assisted_order_confirm, by a
    code) before it can be paid or handled, and is texted only then. The returned order
    has `was_placed` True only for the call that created it.

    Paid later (`payment_method` credit_line, in `credit_term` instalments): the buyer's own
    order is paid from their line in the same transaction (services.credit), so a line that
    cannot pay it refuses the order and reserves nothing; an order a clerk entered draws
    only when the villager confirms it.
    """
    key = (idempotency_key or "").strip()
    if not key or len(key) > 64:
        raise ApplicationError(MSG_KEY_INVALID, field="idempotency_key")
    existing = Order.objects.filter(buyer=buyer, idempotency_key=key).first()
    if existing is not None:
        existing.was_placed = False
        return existing

    delivery_address = _delivery_address_check(delivery_address)
    contact_mobile = _contact_mobile_check(contact_mobile)
    point, zone, fee = _check_fulfilment(
        fulfilment=fulfilment,
        service_point=service_point,
        delivery_zone=delivery_zone,
        delivery_address=delivery_address,
        payment_method=payment_method,
    )
    term = credit_term_check(payment_method=payment_method, credit_term=credit_term)
    wanted = _merge_lines(lines)
    if term is not None and entered_by is None:
        credit_order_prepare()
    for _attempt in range(PLACE_ATTEMPTS):
        try:
            with transaction.atomic():
                if entered_by is None:
                    _contact_allowance_check(buyer=buyer, contact_mobile=contact_mobile)
                order = _order_create(
                    buyer=buyer,
                    wanted=wanted,
                    fulfilment=fulfilment,
                    point=point,
                    zone=zone,
                    fee=fee,
                    delivery_address=delivery_address,
                    contact_mobile=contact_mobile or buyer.mobile,
                    payment_method=payment_method,
                    key=key,
                    entered_by=entered_by,
                    credit_term=term,
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
    payment_method, key, entered_by, credit_term,
) -> Order:  # fmt: skip
    # Fixed order (listing id): two orders of the same listings can never deadlock.
    for listing_id in sorted(wanted):
        _reserve(listing_id, wanted[listing_id])
    # The province catalogue shows the stock too.
    listing_province_sync_queue(listing_ids=wanted)
    # These rows are ours (locked by the UPDATE) until commit: the snapshot is consistent.
    listings = Listing.objects.in_bulk(sorted(wanted))
    now = timezone.now()
    lines_total = sum(listings[pk].price_fen * quantity for pk, quantity in wanted.items())
    if lines_total + fee > DB_INT_MAX:
        # Refused inside the transaction: the stock taken above goes back with it.
        raise ApplicationError(MSG_TOTAL_TOO_LARGE, field="lines")
    # The province's policy as it stands now, for this county: the order's own rate (no
    # category) and each line's, snapshotted so a later change never reaches this order.
    rates = commission_bp_table(
        county=_current_county(),
        category_ids=[None, *(listing.category_id for listing in listings.values())],
        at=now,
    )
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
        credit_term_months=credit_term,
        lines_total_fen=lines_total,
        delivery_fee_fen=fee,
        total_fen=lines_total + fee,
        commission_bp=rates[None],
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
                commission_bp=rates[listings[pk].category_id],
            )
            for pk in sorted(wanted)
        ]
    )
    order_event_log(order, "", Order.State.PLACED, actor=entered_by or buyer)
    if entered_by is None and order.is_credit:
        order = order_pay_from_credit_locked(order)  # the buyer's own: paid from the line now
    if entered_by is None:
        # An order entered for the buyer is texted when they confirm it (services.assisted):
        # a pickup code for an order the villager has not agreed to would mislead.
        _sms_order_placed(order)
    return order


def _current_county() -> County | None:
    """The county whose schema the order is placed in (the tenant of the connection); None
    outside a county (then the province's rates apply)."""
    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, County) else None


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
    """The buyer confirms an order a clerk entered for them (once; later calls change nothing).
    Only the buyer: until then the order cannot be paid, prepared or handed over
    (county_sites.orders.states.waits_for_buyer)."""
    order = order_lock(order)
    if order.buyer_id != buyer.pk:
        raise ApplicationError(MSG_NOT_YOUR_ORDER)
    if order.buyer_confirmed_at is None:
        order.buyer_confirmed_at = timezone.now()
        order.save(update_fields=["buyer_confirmed_at", "updated_at"])
    return order
