"""SANDBOX BANK: the merchant API (create, query, close, refund; credit_draw, credit_return,
loan_apply), signed both ways, and the merchant onboarding.

The HTTP view (sandbox_bank.views.api) and the in-process transport used in tests call the
same `api_call`, so the signature checks run either way. This module is what a county sees of
the bank (county_sites.payments.bank): never the bank's models or services.
"""

import time

from django.conf import settings

from sandbox_bank import services, signing
from sandbox_bank.models import SandboxMerchant

MAX_CLOCK_SKEW_SECONDS = 300


def merchant_onboard(*, county_id: int, name: str) -> dict:
    """The county's merchant id and signing secret, issued on first use (the same again later):
    what a real bank hands over on paper when it opens a merchant account."""
    merchant = services.merchant_open(county_id=county_id, name=name)
    return {"merchant_id": merchant.merchant_id, "secret": merchant.secret}


def _trade_fields(trade) -> dict:
    return {
        "out_trade_no": trade.out_trade_no,
        "trade_no": trade.trade_no,
        "amount_fen": trade.amount_fen,
        "refunded_fen": trade.refunded_fen,
        "trade_status": {"pending": "WAIT_PAY", "paid": "SUCCESS", "closed": "CLOSED"}[trade.state],
    }


def api_call(operation: str, params: dict) -> tuple[int, dict]:
    """(HTTP status, response fields). Responses to a known merchant are signed."""
    merchant = SandboxMerchant.objects.filter(merchant_id=params.get("merchant_id", "")).first()
    if merchant is None:
        return 403, {"code": "MERCHANT_UNKNOWN"}
    if not signing.verify(params, merchant.secret):
        return 403, {"code": "SIGN_INVALID"}
    try:
        timestamp = int(params.get("timestamp", ""))
    except ValueError:
        return 400, {"code": "TIMESTAMP_INVALID"}
    if abs(time.time() - timestamp) > MAX_CLOCK_SKEW_SECONDS:
        return 400, {"code": "TIMESTAMP_INVALID"}

    try:
        if operation == "create":
            trade = services.transaction_create(
                merchant=merchant,
                out_trade_no=params["out_trade_no"],
                amount_fen=int(params["amount_fen"]),
                subject=params.get("subject", ""),
                notify_url=params["notify_url"],
                return_url=params["return_url"],
            )
            base = settings.FENGSHOU_BANK_BASE_URL.rstrip("/")
            body = {**_trade_fields(trade), "pay_url": f"{base}/sandbox-bank/pay/{trade.token}/"}
        elif operation == "query":
            body = _trade_fields(
                services.transaction_query(merchant=merchant, out_trade_no=params["out_trade_no"])
            )
        elif operation == "close":
            services.transaction_close(merchant=merchant, out_trade_no=params["out_trade_no"])
            body = {"out_trade_no": params["out_trade_no"], "trade_status": "CLOSED"}
        elif operation == "refund":
            refund = services.refund_create(
                merchant=merchant,
                out_trade_no=params["out_trade_no"],
                out_refund_no=params["out_refund_no"],
                amount_fen=int(params["amount_fen"]),
            )
            body = {
                "out_refund_no": refund.out_refund_no,
                "refund_no": refund.refund_no,
                "amount_fen": refund.amount_fen,
            }
        elif operation == "credit_draw":
            draw = services.credit_draw_create(
                merchant=merchant,
                line_no=params["line_no"],
                out_draw_no=params["out_draw_no"],
                amount_fen=int(params["amount_fen"]),
                term_months=int(params["term_months"]),
                notify_url=params["notify_url"],
            )
            body = {"out_draw_no": draw.out_draw_no, "loan_no": draw.loan_no,
                    "amount_fen": draw.amount_fen}  # fmt: skip
        elif operation == "credit_return":
            credit_return = services.credit_return_create(
                merchant=merchant,
                out_draw_no=params["out_draw_no"],
                out_return_no=params["out_return_no"],
                to_line_fen=int(params["to_line_fen"]),
                to_account_fen=int(params["to_account_fen"]),
            )
            body = {"out_return_no": credit_return.out_return_no,
                    "return_ref": credit_return.return_ref}  # fmt: skip
        elif operation == "loan_apply":
            application = services.loan_application_receive(
                merchant=merchant,
                out_application_no=params["out_application_no"],
                seller_name=params["seller_name"],
                mobile=params["mobile"],
                amount_fen=int(params["amount_fen"]),
                term_months=int(params["term_months"]),
                purpose=params["purpose"],
                sales_summary=params["sales_summary"],
                notify_url=params["notify_url"],
            )
            body = {"out_application_no": application.out_application_no,
                    "application_no": application.application_no}  # fmt: skip
        else:
            return 404, {"code": "OPERATION_UNKNOWN"}
    except (KeyError, ValueError):
        return 400, {"code": "PARAMS_INVALID"}
    except services.SandboxBankError as error:
        return 409, signing.signed({"code": error.code}, merchant.secret)
    return 200, signing.signed({"code": "OK", **body}, merchant.secret)
