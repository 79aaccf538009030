"""Writes for payments; run inside the county's schema.

The bank's notify is trusted only when every check passes: known merchant id, valid
HMAC-SHA256 signature with this county's secret, fresh timestamp, unseen nonce, existing order,
amount equal to the order's total, status SUCCESS. Anything else raises NotifyRejectedError
inside the transaction, so a forged, replayed or mismatched notify changes nothing. A valid
notify for an order already paid changes nothing either (no second ledger entry).
"""

import logging
import time

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from county_sites.orders.models import Order
from county_sites.payments import signing
from county_sites.payments.bank import BankError
from county_sites.payments.models import NotifyNonce, Payment, PaymentSettings, Refund
from county_sites.payments.providers import provider_get

logger = logging.getLogger(__name__)

MSG_NOT_PAYABLE = _("订单 %(number)s 现在是“%(state)s”，不能支付。")
MSG_BANK_UNAVAILABLE = _("银行暂时无法连接，请稍后再试。")
MSG_ALREADY_PAID = _("银行显示该订单已支付，不能取消。")
MSG_REFUND_FAILED = _("银行退款失败（%(code)s），请稍后再试。")
MSG_NOTIFY_MALFORMED = _("通知缺少必要字段。")
MSG_NOTIFY_MERCHANT = _("商户号不符。")
MSG_NOTIFY_SIGNATURE = _("签名无效。")
MSG_NOTIFY_STALE = _("通知已过期。")
MSG_NOTIFY_REPLAY = _("重复的通知。")
MSG_NOTIFY_ORDER_UNKNOWN = _("订单不存在。")
MSG_NOTIFY_AMOUNT = _("金额与订单不符。")
MSG_NOTIFY_STATUS = _("交易状态不是成功。")
MSG_NOTIFY_ORDER_STATE = _("订单状态不允许入账。")

NOTIFY_FIELDS = (
    "merchant_id", "out_trade_no", "trade_no", "amount_fen", "trade_status",
    "timestamp", "nonce", "sign",
)  # fmt: skip


class NotifyRejectedError(ApplicationError):
    """A bank notify refused: `status` is the HTTP status the notify view answers."""

    def __init__(self, message, *, status: int):
        super().__init__(message)
        self.status = status


def payment_settings_get() -> PaymentSettings:
    """The county's merchant account; with the sandbox bank, opened on first use."""
    account = PaymentSettings.objects.first()
    if account is not None:
        return account
    from sandbox_bank.services import merchant_open

    county = connection.tenant
    merchant = merchant_open(county_id=county.pk, name=county.name)
    account, _created = PaymentSettings.objects.get_or_create(
        merchant_id=merchant.merchant_id, defaults={"secret": merchant.secret}
    )
    return account


def payment_start(*, order: Order, notify_url: str, return_url: str) -> str | None:
    """Where to send the buyer to pay `order` (None for cash). Starting twice reuses the same
    bank transaction (the bank keys it by order number)."""
    provider = provider_get(order.payment_method)
    if not order.is_online:
        return None
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.state != Order.State.PLACED:
            raise ApplicationError(
                MSG_NOT_PAYABLE % {"number": order.number, "state": order.get_state_display()}
            )
        Payment.objects.get_or_create(
            order=order, defaults={"provider": provider.name, "amount_fen": order.total_fen}
        )
    try:
        return provider.start(order, notify_url=notify_url, return_url=return_url)
    except BankError as error:
        logger.warning("bank create failed for %s: %s", order.number, error.code)
        raise ApplicationError(MSG_BANK_UNAVAILABLE) from error


def _apply_paid(*, order: Order, trade_no: str) -> Order:
    """Record the bank's confirmed payment of a locked order: Payment row, order paid, ledger.
    A payment already recorded changes nothing."""
    from county_sites.orders.services import order_mark_paid

    payment, _created = Payment.objects.select_for_update().get_or_create(
        order=order, defaults={"provider": order.payment_method, "amount_fen": order.total_fen}
    )
    if payment.state == Payment.State.SUCCEEDED:
        return order
    payment.state = Payment.State.SUCCEEDED
    payment.bank_trade_no = trade_no
    payment.succeeded_at = timezone.now()
    payment.save()
    return order_mark_paid(order=order)


def payment_notify_handle(*, data: dict) -> Order:
    """Apply a bank notify, or raise NotifyRejectedError having changed nothing."""
    data = {name: str(value) for name, value in data.items()}
    if any(not data.get(name) for name in NOTIFY_FIELDS):
        raise NotifyRejectedError(MSG_NOTIFY_MALFORMED, status=400)
    account = PaymentSettings.objects.first()
    if account is None or data["merchant_id"] != account.merchant_id:
        raise NotifyRejectedError(MSG_NOTIFY_MERCHANT, status=403)
    if not signing.verify(data, account.secret):
        raise NotifyRejectedError(MSG_NOTIFY_SIGNATURE, status=403)
    try:
        age = time.time() - int(data["timestamp"])
    except ValueError:
        raise NotifyRejectedError(MSG_NOTIFY_STALE, status=400) from None
    if abs(age) > settings.FENGSHOU_PAYMENT_NOTIFY_MAX_AGE_SECONDS:
        raise NotifyRejectedError(MSG_NOTIFY_STALE, status=400)
    if data["trade_status"] != "SUCCESS":
        raise NotifyRejectedError(MSG_NOTIFY_STATUS, status=400)

    with transaction.atomic():
        if NotifyNonce.objects.filter(nonce=data["nonce"]).exists():
            raise NotifyRejectedError(MSG_NOTIFY_REPLAY, status=409)
        order = Order.objects.select_for_update().filter(number=data["out_trade_no"]).first()
        if order is None or not order.is_online:
            raise NotifyRejectedError(MSG_NOTIFY_ORDER_UNKNOWN, status=404)
        if data["amount_fen"] != str(order.total_fen):
            raise NotifyRejectedError(MSG_NOTIFY_AMOUNT, status=400)
        try:
            with transaction.atomic():
                NotifyNonce.objects.create(nonce=data["nonce"], order_number=order.number)
        except IntegrityError:
            raise NotifyRejectedError(MSG_NOTIFY_REPLAY, status=409) from None
        try:
            return _apply_paid(order=order, trade_no=data["trade_no"])
        except ApplicationError as refusal:
            # e.g. cancelled before the money arrived: left to an operator, nothing booked.
            logger.error("notify for %s refused: %s", order.number, refusal)
            raise NotifyRejectedError(MSG_NOTIFY_ORDER_STATE, status=409) from refusal


def payment_reconcile(*, order_id: int) -> bool:
    """Ask the provider about an unpaid online order and apply a confirmed payment (what a
    lost notify would have done). True if the order became paid."""
    order = Order.objects.get(pk=order_id)
    if order.state != Order.State.PLACED or not order.is_online:
        return False
    if not Payment.objects.filter(order=order).exists():
        return False  # never sent to the bank
    try:
        result = provider_get(order.payment_method).query(order)
    except BankError as error:
        logger.warning("bank query failed for %s: %s", order.number, error.code)
        return False
    if not result.paid:
        return False
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.state != Order.State.PLACED:
            return False
        if result.amount_fen != order.total_fen:
            logger.error("bank amount %s != order %s total", result.amount_fen, order.number)
            return False
        _apply_paid(order=order, trade_no=result.trade_no)
    return True


def payments_reconcile_pending() -> list[str]:
    """Reconcile every online order still waiting for its money; the numbers now paid."""
    paid = []
    pending = Order.objects.filter(
        state=Order.State.PLACED,
        payment_method=Order.PaymentMethod.BANK_GATEWAY,
        payment__isnull=False,
    ).values_list("pk", "number")
    for order_id, number in pending:
        if payment_reconcile(order_id=order_id):
            paid.append(number)
    return paid


def payment_close(*, order: Order) -> None:
    """Make an unpaid online order unpayable at the bank before it is cancelled. Refuses if
    the bank has the money (the order is then paid, by notify or reconciliation)."""
    payment = Payment.objects.filter(order=order).first()
    if payment is None:
        return
    try:
        provider_get(order.payment_method).close(order)
    except BankError as error:
        if error.code == "TRADE_PAID":
            raise ApplicationError(MSG_ALREADY_PAID) from error
        raise ApplicationError(MSG_BANK_UNAVAILABLE) from error
    payment.state = Payment.State.CLOSED
    payment.save(update_fields=["state"])


def refund_execute(*, order: Order, refund_request) -> Refund:
    """Give the refund's money back through the order's provider and record it."""
    provider = provider_get(order.payment_method)
    try:
        reference = provider.refund(order, refund_request)
    except BankError as error:
        raise ApplicationError(MSG_REFUND_FAILED % {"code": error.code}) from error
    refund = Refund(
        refund_request=refund_request,
        order=order,
        provider=provider.name,
        amount_fen=refund_request.amount_fen,
        state=Refund.State.SUCCEEDED,
        bank_refund_no=reference,
    )
    refund.full_clean()
    refund.save()
    return refund
