"""The county's client of the bank's credit API: a draw on a resident's line (the bank pays
the county the order's total and lends it to the resident), credit given back by a refund,
and a seller's working-capital application with their sales history.
The same signed transport as payments (county_sites.payments.bank.BankClient); the bank's
messages to the county (a line pushed, an instalment repaid) are checked by
county_sites.payments.services.bank_notify_check.

The request and response fields are documented in docs/bank-integration.md.
"""

from django.db import connection

from county_sites.payments.bank import BankClient
from county_sites.payments.services import payment_settings_ensure


def _client() -> BankClient:
    account = payment_settings_ensure(county=connection.tenant)
    return BankClient(merchant_id=account.merchant_id, secret=account.secret)


def credit_bank_draw(
    *, line_no: str, draw_no: str, amount_fen: int, term_months: int, notify_url: str
) -> str:
    """Ask the bank to lend `amount_fen` on `line_no` for draw `draw_no` and pay the county;
    the bank's loan reference. Raises BankError if it refuses or cannot be reached. The same
    draw_no again returns the same loan (the bank keys it)."""
    body = _client().call(
        "credit_draw",
        line_no=line_no,
        out_draw_no=draw_no,
        amount_fen=amount_fen,
        term_months=term_months,
        notify_url=notify_url,
    )
    return body["loan_no"]


def credit_bank_return(
    *, draw_no: str, return_no: str, to_line_fen: int, to_account_fen: int
) -> str:
    """Give credit back on draw `draw_no` for a refund: `to_line_fen` off its unpaid
    principal, `to_account_fen` (instalments already repaid) paid by the bank to the
    resident's account. The bank's reference; idempotent by return_no."""
    body = _client().call(
        "credit_return",
        out_draw_no=draw_no,
        out_return_no=return_no,
        to_line_fen=to_line_fen,
        to_account_fen=to_account_fen,
    )
    return body["return_ref"]


def loan_bank_apply(
    *, application_no: str, seller_name: str, mobile: str, amount_fen: int, term_months: int,
    purpose: str, sales_summary: str, notify_url: str,
) -> str:  # fmt: skip
    """Send a seller's working-capital application with their sales history
    (`sales_summary`, compact JSON) to the bank; the bank's reference. Raises BankError if it
    refuses or cannot be reached. The same application_no again is the same application."""
    body = _client().call(
        "loan_apply",
        out_application_no=application_no,
        seller_name=seller_name,
        mobile=mobile,
        amount_fen=amount_fen,
        term_months=term_months,
        purpose=purpose,
        sales_summary=sales_summary,
        notify_url=notify_url,
    )
    return body["application_no"]
