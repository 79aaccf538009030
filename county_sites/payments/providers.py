"""Payment providers: how an order's money is taken, checked and given back.

    start(order, notify_url=, return_url=) -> URL to send the buyer to, or None
    query(order) -> QueryResult: what the provider says about the order's money
    close(order) -> make an unpaid order unpayable (raises BankError if it was paid)
    refund(order, refund_request) -> the provider's refund reference

`provider_get(name)` returns the provider registered under an Order.PaymentMethod value.
The bank's notify is checked by county_sites.payments.services (payment_notify_verify).
"""

from dataclasses import dataclass

from county_sites.payments.bank import BankClient, BankError
from county_sites.payments.selectors import payment_settings_get

# The code of the BankError a bank provider raises while the county has no merchant account
# (county_sites.payments.services.payment_settings_ensure opens it when a payment starts).
NO_MERCHANT = "NO_MERCHANT"


@dataclass(frozen=True)
class QueryResult:
    paid: bool
    amount_fen: int = 0
    trade_no: str = ""
    status: str = ""


class PaymentProvider:
    name: str = ""

    def start(self, order, *, notify_url: str, return_url: str) -> str | None:
        raise NotImplementedError

    def query(self, order) -> QueryResult:
        raise NotImplementedError

    def close(self, order) -> None:
        raise NotImplementedError

    def refund(self, order, refund_request) -> str:
        raise NotImplementedError


class CashOnPickupProvider(PaymentProvider):
    """Cash at the service point: nothing to redirect to, nothing to be notified of. The money
    is booked when the clerk hands the parcel over (county_sites.orders.services.order_collect)
    and a refund is cash from the till (booked in the ledger by
    county_sites.orders.services.refund_approve)."""

    name = "cash_on_pickup"

    def start(self, order, *, notify_url: str, return_url: str) -> None:
        return None

    def query(self, order) -> QueryResult:
        return QueryResult(paid=order.completed_at is not None, amount_fen=order.total_fen)

    def close(self, order) -> None:
        return None

    def refund(self, order, refund_request) -> str:
        return f"CASH-{refund_request.pk}"


class BankGatewayProvider(PaymentProvider):
    """Online payment through the bank gateway (the sandbox bank in development and tests)."""

    name = "bank_gateway"

    def _client(self) -> BankClient:
        account = payment_settings_get()
        if account is None:
            raise BankError(NO_MERCHANT)
        return BankClient(merchant_id=account.merchant_id, secret=account.secret)

    def start(self, order, *, notify_url: str, return_url: str) -> str:
        body = self._client().call(
            "create",
            out_trade_no=order.number,
            amount_fen=order.total_fen,
            subject=f"订单 {order.number}",
            notify_url=notify_url,
            return_url=return_url,
        )
        return body["pay_url"]

    def query(self, order) -> QueryResult:
        try:
            body = self._client().call("query", out_trade_no=order.number)
        except BankError as error:
            if error.code == "TRADE_NOT_EXIST":
                return QueryResult(paid=False, status="NOT_EXIST")
            raise
        return QueryResult(
            paid=body.get("trade_status") == "SUCCESS",
            amount_fen=int(body.get("amount_fen") or 0),
            trade_no=body.get("trade_no", ""),
            status=body.get("trade_status", ""),
        )

    def close(self, order) -> None:
        self._client().call("close", out_trade_no=order.number)

    def refund(self, order, refund_request) -> str:
        body = self._client().call(
            "refund",
            out_trade_no=order.number,
            out_refund_no=f"RF{refund_request.pk}",
            amount_fen=refund_request.amount_fen,
        )
        return body["refund_no"]


class CreditLineProvider(PaymentProvider):
    """Paid later, from the buyer's credit line at the bank: nothing to redirect to; the bank
    pays the county in full when the draw is made (county_sites.credit.services
    .credit_draw_locked, through county_sites.payments.credit_bank), and a refund gives the
    credit back on the line (county_sites.credit.services.credit_return_record)."""

    name = "credit_line"

    def start(self, order, *, notify_url: str, return_url: str) -> None:
        return None

    def query(self, order) -> QueryResult:
        return QueryResult(paid=order.paid_at is not None, amount_fen=order.total_fen)

    def close(self, order) -> None:
        return None

    def refund(self, order, refund_request) -> str:
        return f"CREDIT-{refund_request.pk}"


PROVIDERS: dict[str, PaymentProvider] = {
    provider.name: provider
    for provider in (CashOnPickupProvider(), BankGatewayProvider(), CreditLineProvider())
}


def provider_get(name: str) -> PaymentProvider:
    return PROVIDERS[name]
