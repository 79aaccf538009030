"""Writes for payments; run inside the county's schema.

Payments sits below orders: these services take the order they are given (its number, total
and payment method), record what the provider did with its money, and return what happened.
They never move an order on; county_sites.orders.services does, with what they return (the
order paid once the bank's notify is verified or the bank says it was paid).

The bank's notify is trusted only when every check passes: known merchant id, valid
HMAC-SHA256 signature with this county's secret, fresh timestamp, unseen nonce, existing order,
amount equal to the order's total, status SUCCESS. Anything else raises NotifyRejectedError
inside the transaction, so a forged, replayed or mismatched notify changes nothing. A valid
notify for an order already paid changes nothing either (no second ledger entry).
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from county_sites.payments import signing
from county_sites.payments.bank import BankError
from county_sites.payments.models import NotifyNonce, Payment, PaymentSettings, Refund
from county_sites.payments.providers import QueryResult, provider_get
from county_sites.payments.selectors import payment_settings_get
from hub.selectors import county_public_url
from sandbox_bank.api import merchant_onboard

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


@dataclass(frozen=True)
class BankNotify:
    """A notify whose merchant id, signature, timestamp and status have been checked."""

    order_number: str
    trade_no: str
    amount_fen: str
    nonce: str


# ------------------------------------------------------------------------------
# The merchant account
# ------------------------------------------------------------------------------
def payment_settings_ensure(*, county) -> PaymentSettings:
    """The county's merchant account, opened at the sandbox bank if it has none yet (the
    first online payment of the county); safe to call again."""
    account = payment_settings_get()
    if account is not None:
        return account
    merchant = merchant_onboard(county_id=county.pk, name=county.name)
    account, _created = PaymentSettings.objects.get_or_create(
        merchant_id=merchant["merchant_id"], defaults={"secret": merchant["secret"]}
    )
    return account


# ------------------------------------------------------------------------------
# Starting a payment
# ------------------------------------------------------------------------------
def payment_open(*, order) -> Payment:
    """The order's Payment, opened (pending) the first time. Call inside the transaction that
    locked the order and decided it may be paid (county_sites.orders.services.order_pay_start)."""
    payment, _created = Payment.objects.get_or_create(
        order=order,
        defaults={
            "provider": provider_get(order.payment_method).name,
            "amount_fen": order.total_fen,
        },
    )
    return payment


def payment_callback_urls(*, number: str) -> dict[str, str]:
    """notify_url and return_url for order `number` of the current county, on its configured
    primary domain (hub.selectors.county_public_url), whatever host the request came on."""
    county = connection.tenant
    return {
        "notify_url": county_public_url(
            county=county, path=reverse("payments:notify_bank_gateway")
        ),
        "return_url": county_public_url(
            county=county, path=reverse("payments:return", args=[number])
        ),
    }


def payment_pay_url(*, order, notify_url: str, return_url: str) -> str | None:
    """Where the provider wants the buyer sent to pay the order's opened Payment (None for
    cash). Asking twice reuses the same bank transaction (the bank keys it by order number)."""
    provider = provider_get(order.payment_method)
    if order.is_bank_gateway:
        payment_settings_ensure(county=connection.tenant)
    try:
        return provider.start(order, notify_url=notify_url, return_url=return_url)
    except BankError as error:
        logger.warning("bank create failed for %s: %s", order.number, error.code)
        raise ApplicationError(MSG_BANK_UNAVAILABLE) from error


# ------------------------------------------------------------------------------
# The bank says it was paid: notify and query
# ------------------------------------------------------------------------------
def payment_succeeded_record(*, order, trade_no: str) -> bool:
    """Record the bank's confirmed payment of a locked order on its Payment. True if recorded
    now; False if it already was (the order was marked paid then)."""
    payment, _created = Payment.objects.select_for_update().get_or_create(
        order=order, defaults={"provider": order.payment_method, "amount_fen": order.total_fen}
    )
    if payment.state == Payment.State.SUCCEEDED:
        return False
    payment.state = Payment.State.SUCCEEDED
    payment.bank_trade_no = trade_no
    payment.succeeded_at = timezone.now()
    payment.save()
    return True


def bank_notify_check(*, data: dict, fields: tuple[str, ...]) -> dict:
    """The checks every message the bank sends a county passes (a payment's notify, a credit
    line pushed, an instalment repaid): each of `fields` present, this county's merchant id,
    a valid signature with its secret, a fresh timestamp. The fields as strings, or
    NotifyRejectedError. Writes nothing; the nonce is spent by bank_notify_nonce_spend."""
    data = {name: str(value) for name, value in data.items()}
    if any(not data.get(name) for name in fields):
        raise NotifyRejectedError(MSG_NOTIFY_MALFORMED, status=400)
    account = payment_settings_get()
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
    return data


def bank_notify_nonce_spend(*, nonce: str, reference: str) -> None:
    """Keep a checked message's nonce, or refuse it as a replay (NotifyRejectedError 409).
    Call inside the transaction that applies the message: a refusal after it undoes it."""
    if NotifyNonce.objects.filter(nonce=nonce).exists():
        raise NotifyRejectedError(MSG_NOTIFY_REPLAY, status=409)
    try:
        with transaction.atomic():
            NotifyNonce.objects.create(nonce=nonce, order_number=reference[:20])
    except IntegrityError:
        raise NotifyRejectedError(MSG_NOTIFY_REPLAY, status=409) from None


def payment_notify_verify(*, data: dict) -> BankNotify:
    """Check a bank notify on its own (every field, this county's merchant id, the signature,
    a fresh timestamp, status SUCCESS), or raise NotifyRejectedError. Writes nothing."""
    data = bank_notify_check(data=data, fields=NOTIFY_FIELDS)
    if data["trade_status"] != "SUCCESS":
        raise NotifyRejectedError(MSG_NOTIFY_STATUS, status=400)
    return BankNotify(
        order_number=data["out_trade_no"],
        trade_no=data["trade_no"],
        amount_fen=data["amount_fen"],
        nonce=data["nonce"],
    )


def payment_notify_record(*, notify: BankNotify, order) -> bool:
    """Accept a verified notify for `order` (the order its number names, locked by the
    caller's transaction; None if there is none): refuse a replayed nonce, an unknown or cash
    order and an amount other than the order's total (NotifyRejectedError), else keep the
    nonce and record the payment. True if the payment is recorded now: the caller then marks
    the order paid, in the same transaction."""
    if NotifyNonce.objects.filter(nonce=notify.nonce).exists():
        raise NotifyRejectedError(MSG_NOTIFY_REPLAY, status=409)
    # Only an order paid at the bank's gateway: a credit order is paid from its line.
    if order is None or not order.is_bank_gateway:
        raise NotifyRejectedError(MSG_NOTIFY_ORDER_UNKNOWN, status=404)
    if notify.amount_fen != str(order.total_fen):
        raise NotifyRejectedError(MSG_NOTIFY_AMOUNT, status=400)
    bank_notify_nonce_spend(nonce=notify.nonce, reference=order.number)
    return payment_succeeded_record(order=order, trade_no=notify.trade_no)


def payment_query(*, order) -> QueryResult | None:
    """What the provider says about an online order's money (what a lost notify would have
    said); None if the order was never sent to it or the bank could not be asked (logged).
    Writes nothing."""
    if not Payment.objects.filter(order=order).exists():
        return None  # never sent to the bank
    try:
        return provider_get(order.payment_method).query(order)
    except BankError as error:
        logger.warning("bank query failed for %s: %s", order.number, error.code)
        return None


# ------------------------------------------------------------------------------
# Closing and refunding
# ------------------------------------------------------------------------------
def payment_close(*, order) -> None:
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


def refund_execute(*, order, refund_request) -> Refund:
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
