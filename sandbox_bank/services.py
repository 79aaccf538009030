"""SANDBOX BANK: the pretend bank's own writes, in public. Not a real bank.

A county (merchant) creates a transaction, the buyer pays it on the pay page, the bank then
notifies the county's notify URL (signed, asynchronously, retried until the county answers
"success"). The county can query a transaction, close an unpaid one, and refund a paid one.
"""

import json
import secrets
import time
from functools import partial

from django.db import transaction
from django.utils import timezone

from core.county_tasks import task_queue
from sandbox_bank import signing
from sandbox_bank.models import (
    SandboxCreditDraw,
    SandboxCreditLine,
    SandboxCreditReturn,
    SandboxLoanApplication,
    SandboxMerchant,
    SandboxNotice,
    SandboxRefund,
    SandboxTransaction,
)


class SandboxBankError(Exception):
    """The bank refuses: `code` is what its API returns to the merchant."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code
        self.message = message or code


def _no(prefix: str) -> str:
    return f"{prefix}{timezone.now():%Y%m%d}{secrets.randbelow(10**10):010d}"


@transaction.atomic
def merchant_open(*, county_id: int, name: str) -> SandboxMerchant:
    """The county's merchant account, opened on first use (idempotent)."""
    merchant = SandboxMerchant.objects.filter(county_id=county_id).first()
    if merchant is None:
        merchant = SandboxMerchant.objects.create(
            county_id=county_id,
            name=name,
            merchant_id=f"SBX{secrets.token_hex(6).upper()}",
            secret=secrets.token_urlsafe(32),
        )
    return merchant


@transaction.atomic
def transaction_create(
    *, merchant: SandboxMerchant, out_trade_no: str, amount_fen: int, subject: str,
    notify_url: str, return_url: str,
) -> SandboxTransaction:  # fmt: skip
    """A transaction to pay; the same out_trade_no again returns the same one."""
    if amount_fen <= 0:
        raise SandboxBankError("INVALID_AMOUNT")
    existing = (
        SandboxTransaction.objects.select_for_update()
        .filter(merchant=merchant, out_trade_no=out_trade_no)
        .first()
    )
    if existing is not None:
        if existing.amount_fen != amount_fen:
            raise SandboxBankError("AMOUNT_MISMATCH")
        return existing
    return SandboxTransaction.objects.create(
        merchant=merchant,
        out_trade_no=out_trade_no,
        trade_no=_no("T"),
        token=secrets.token_urlsafe(24),
        amount_fen=amount_fen,
        subject=subject[:128],
        notify_url=notify_url,
        return_url=return_url,
    )


def _notify_queue(transaction_id: int) -> None:
    # Sent from public (the hub host's pay page): the task runs in public, where these rows are.
    task_queue(
        "sandbox_bank.tasks.sandbox_notify_deliver", args=(transaction_id,), schema_name="public"
    )


@transaction.atomic
def transaction_pay(*, token: str) -> SandboxTransaction:
    """The buyer pressed "pay": mark paid and notify the merchant after commit. Paying twice
    changes nothing; a closed transaction cannot be paid."""
    trade = SandboxTransaction.objects.select_for_update().get(token=token)
    if trade.state == SandboxTransaction.State.CLOSED:
        raise SandboxBankError("TRADE_CLOSED", "该交易已关闭，无法支付。")
    if trade.state == SandboxTransaction.State.PENDING:
        trade.state = SandboxTransaction.State.PAID
        trade.paid_at = timezone.now()
        trade.save(update_fields=["state", "paid_at"])
        transaction.on_commit(partial(_notify_queue, trade.pk))
    return trade


def _trade(merchant: SandboxMerchant, out_trade_no: str, *, lock=False) -> SandboxTransaction:
    trades = SandboxTransaction.objects.filter(merchant=merchant, out_trade_no=out_trade_no)
    if lock:
        trades = trades.select_for_update()
    trade = trades.first()
    if trade is None:
        raise SandboxBankError("TRADE_NOT_EXIST")
    return trade


def transaction_query(*, merchant: SandboxMerchant, out_trade_no: str) -> SandboxTransaction:
    return _trade(merchant, out_trade_no)


@transaction.atomic
def transaction_close(*, merchant: SandboxMerchant, out_trade_no: str) -> SandboxTransaction:
    """Close an unpaid transaction so it can never be paid; closing twice is fine, an unknown
    one is treated as closed; a paid one is refused."""
    try:
        trade = _trade(merchant, out_trade_no, lock=True)
    except SandboxBankError:
        return None
    if trade.state == SandboxTransaction.State.PAID:
        raise SandboxBankError("TRADE_PAID")
    if trade.state == SandboxTransaction.State.PENDING:
        trade.state = SandboxTransaction.State.CLOSED
        trade.save(update_fields=["state"])
    return trade


@transaction.atomic
def refund_create(
    *, merchant: SandboxMerchant, out_trade_no: str, out_refund_no: str, amount_fen: int
) -> SandboxRefund:
    """Refund part or all of a paid transaction; the same out_refund_no again returns the
    same refund and moves no money twice."""
    trade = _trade(merchant, out_trade_no, lock=True)
    existing = SandboxRefund.objects.filter(transaction=trade, out_refund_no=out_refund_no).first()
    if existing is not None:
        return existing
    if trade.state != SandboxTransaction.State.PAID:
        raise SandboxBankError("TRADE_NOT_PAID")
    if amount_fen <= 0 or trade.refunded_fen + amount_fen > trade.amount_fen:
        raise SandboxBankError("REFUND_AMOUNT_INVALID")
    trade.refunded_fen += amount_fen
    trade.save(update_fields=["refunded_fen"])
    return SandboxRefund.objects.create(
        transaction=trade, out_refund_no=out_refund_no, refund_no=_no("R"), amount_fen=amount_fen
    )


def notify_payload(*, trade: SandboxTransaction) -> dict:
    """The signed notify for a paid transaction, with a fresh timestamp and nonce each time
    (a redelivery is a new message; the same message twice is a replay)."""
    return signing.signed(
        {
            "merchant_id": trade.merchant.merchant_id,
            "out_trade_no": trade.out_trade_no,
            "trade_no": trade.trade_no,
            "amount_fen": trade.amount_fen,
            "trade_status": "SUCCESS",
            "timestamp": int(time.time()),
            "nonce": secrets.token_hex(16),
        },
        trade.merchant.secret,
    )


@transaction.atomic
def notify_record(*, transaction_id: int, delivered: bool) -> SandboxTransaction:
    trade = SandboxTransaction.objects.select_for_update().get(pk=transaction_id)
    trade.notify_attempts += 1
    if delivered and trade.notified_at is None:
        trade.notified_at = timezone.now()
    trade.save(update_fields=["notify_attempts", "notified_at"])
    return trade


# ------------------------------------------------------------------------------------------
# Credit: lines granted (pushed to the county), draws, credit given back, repayments
# ------------------------------------------------------------------------------------------
def _notice_queue(notice_id: int) -> None:
    task_queue("sandbox_bank.tasks.sandbox_notice_deliver", args=(notice_id,), schema_name="public")


def notice_send(*, merchant: SandboxMerchant, url: str, fields: dict) -> SandboxNotice:
    """Queue a signed message to the county, delivered after commit."""
    notice = SandboxNotice.objects.create(
        merchant=merchant, url=url, fields={name: str(value) for name, value in fields.items()}
    )
    transaction.on_commit(partial(_notice_queue, notice.pk))
    return notice


def notice_payload(*, notice: SandboxNotice) -> dict:
    """The notice's fields, signed with a fresh timestamp and nonce (a redelivery is a new
    message; the same message twice is a replay)."""
    return signing.signed(
        {
            **notice.fields,
            "merchant_id": notice.merchant.merchant_id,
            "timestamp": int(time.time()),
            "nonce": secrets.token_hex(16),
        },
        notice.merchant.secret,
    )


@transaction.atomic
def notice_record(*, notice_id: int, delivered: bool) -> SandboxNotice:
    notice = SandboxNotice.objects.select_for_update().get(pk=notice_id)
    notice.attempts += 1
    if delivered and notice.delivered_at is None:
        notice.delivered_at = timezone.now()
    notice.save(update_fields=["attempts", "delivered_at"])
    return notice


@transaction.atomic
def credit_line_grant(
    *, merchant: SandboxMerchant, mobile: str, name: str, limit_fen: int, rate_bp: int,
    terms: str, expires_on, notify_url: str, fee_bp: int = 0, state: str = "active",
    line_no: str = "",
) -> SandboxCreditLine:  # fmt: skip
    """Grant (or change: the same line_no) a resident's credit line and push it to the
    county as a signed GRANT notice."""
    if limit_fen <= 0:
        raise SandboxBankError("INVALID_AMOUNT")
    line = SandboxCreditLine.objects.filter(line_no=line_no).first() if line_no else None
    values = {
        "merchant": merchant, "mobile": mobile, "name": name, "limit_fen": limit_fen,
        "rate_bp": rate_bp, "fee_bp": fee_bp, "terms": terms, "expires_on": expires_on,
        "state": state,
    }  # fmt: skip
    if line is None:
        line = SandboxCreditLine.objects.create(line_no=line_no or _no("L"), **values)
    else:
        for field, value in values.items():
            setattr(line, field, value)
        line.save()
    notice_send(
        merchant=merchant,
        url=notify_url,
        fields={
            "event": "GRANT",
            "line_no": line.line_no,
            "mobile": line.mobile,
            "name": line.name,
            "limit_fen": line.limit_fen,
            "rate_bp": line.rate_bp,
            "fee_bp": line.fee_bp,
            "terms": line.terms,
            "expires_on": f"{line.expires_on:%Y-%m-%d}",
            "state": line.state,
        },
    )
    return line


@transaction.atomic
def credit_draw_create(
    *, merchant: SandboxMerchant, line_no: str, out_draw_no: str, amount_fen: int,
    term_months: int, notify_url: str,
) -> SandboxCreditDraw:  # fmt: skip
    """Lend on a line and pay the merchant; the same out_draw_no returns the same loan. The
    sandbox trusts the county's limit check (a real bank checks its own books too)."""
    if amount_fen <= 0:
        raise SandboxBankError("INVALID_AMOUNT")
    if term_months not in (1, 3, 6):
        raise SandboxBankError("TERM_INVALID")
    existing = SandboxCreditDraw.objects.filter(merchant=merchant, out_draw_no=out_draw_no).first()
    if existing is not None:
        if existing.amount_fen != amount_fen:
            raise SandboxBankError("AMOUNT_MISMATCH")
        return existing
    return SandboxCreditDraw.objects.create(
        merchant=merchant, line_no=line_no, out_draw_no=out_draw_no, loan_no=_no("D"),
        amount_fen=amount_fen, term_months=term_months, notify_url=notify_url,
    )  # fmt: skip


def _draw(merchant: SandboxMerchant, out_draw_no: str) -> SandboxCreditDraw:
    draw = (
        SandboxCreditDraw.objects.select_for_update()
        .filter(merchant=merchant, out_draw_no=out_draw_no)
        .first()
    )
    if draw is None:
        raise SandboxBankError("DRAW_NOT_EXIST")
    return draw


@transaction.atomic
def credit_return_create(
    *, merchant: SandboxMerchant, out_draw_no: str, out_return_no: str, to_line_fen: int,
    to_account_fen: int,
) -> SandboxCreditReturn:  # fmt: skip
    """Credit given back on a loan (a refund); the same out_return_no moves nothing twice."""
    draw = _draw(merchant, out_draw_no)
    existing = SandboxCreditReturn.objects.filter(draw=draw, out_return_no=out_return_no).first()
    if existing is not None:
        return existing
    amount = to_line_fen + to_account_fen
    if amount <= 0 or draw.returned_fen + amount > draw.amount_fen:
        raise SandboxBankError("RETURN_AMOUNT_INVALID")
    draw.returned_fen += amount
    draw.save(update_fields=["returned_fen"])
    return SandboxCreditReturn.objects.create(
        draw=draw, out_return_no=out_return_no, return_ref=_no("C"),
        to_line_fen=to_line_fen, to_account_fen=to_account_fen,
    )  # fmt: skip


@transaction.atomic
def credit_instalment_repay(
    *, merchant: SandboxMerchant, out_draw_no: str, seq: int, amount_fen: int
) -> SandboxNotice:
    """The resident repaid instalment `seq` of a loan at the bank (counter, app, standing
    order): the county is told by a signed REPAYMENT notice."""
    draw = _draw(merchant, out_draw_no)
    return notice_send(
        merchant=merchant,
        url=draw.notify_url,
        fields={
            "event": "REPAYMENT",
            "out_draw_no": draw.out_draw_no,
            "seq": seq,
            "amount_fen": amount_fen,
            "repayment_no": _no("P"),
        },
    )


# ------------------------------------------------------------------------------------------
# Seller loans: applications received with their sales history, decisions told by notice
# ------------------------------------------------------------------------------------------
@transaction.atomic
def loan_application_receive(
    *, merchant: SandboxMerchant, out_application_no: str, seller_name: str, mobile: str,
    amount_fen: int, term_months: int, purpose: str, sales_summary: str, notify_url: str,
) -> SandboxLoanApplication:  # fmt: skip
    """Receive an application; the same out_application_no again is the same application."""
    if amount_fen <= 0:
        raise SandboxBankError("INVALID_AMOUNT")
    try:
        summary = json.loads(sales_summary)
    except ValueError:
        raise SandboxBankError("SALES_SUMMARY_INVALID") from None
    existing = SandboxLoanApplication.objects.filter(
        merchant=merchant, out_application_no=out_application_no
    ).first()
    if existing is not None:
        if existing.amount_fen != amount_fen:
            raise SandboxBankError("AMOUNT_MISMATCH")
        return existing
    return SandboxLoanApplication.objects.create(
        merchant=merchant, out_application_no=out_application_no, application_no=_no("A"),
        seller_name=seller_name[:64], mobile=mobile[:11], amount_fen=amount_fen,
        term_months=term_months, purpose=purpose[:200], sales_summary=summary,
        notify_url=notify_url,
    )  # fmt: skip


@transaction.atomic
def loan_application_decide(
    *, application: SandboxLoanApplication, state: str, approved_fen: int | None = None,
    note: str = "",
) -> SandboxNotice:  # fmt: skip
    """The bank's officer moves an application on (under_review, approved, rejected,
    disbursed); the county is told by a signed LOAN_STATE notice."""
    if state not in ("under_review", "approved", "rejected", "disbursed"):
        raise SandboxBankError("STATE_INVALID")
    application.state = state
    application.save(update_fields=["state"])
    fields = {
        "event": "LOAN_STATE",
        "out_application_no": application.out_application_no,
        "application_no": application.application_no,
        "state": state,
    }
    if approved_fen is not None:
        fields["approved_fen"] = approved_fen
    if note:
        fields["note"] = note
    return notice_send(merchant=application.merchant, url=application.notify_url, fields=fields)
