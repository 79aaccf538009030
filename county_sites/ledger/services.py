"""Writes to the ledger. Each function books one money movement as a group of entries in one
transaction, with one timestamp, so every day (every period) adds up on its own:

- a receipt (online payment, or cash collected at pickup) = seller payables + commissions;
- a refund = the refund + the reversal (negative entries) of those payables and commissions.

An online payment covers the whole order. Cash is taken per hand-over (a partial pickup pays
for the lines leaving now), so a cash receipt covers the lines it is given, under the
hand-over's `receipt_key`. A refund reverses the split of the lines it is given (the whole
order when none are). See county_sites.ledger.models for the sign convention.
A point's till and its commissions: county_sites.ledger.till and
county_sites.ledger.point_commissions.
"""

from django.db import transaction
from django.utils import timezone

from county_sites.ledger.models import LedgerEntry
from county_sites.ledger.selectors import receipt_amount

Kind = LedgerEntry.Kind
BASIS_POINTS = 10_000


def commission_of(*, amount_fen: int, commission_bp: int) -> int:
    """The county's commission on a line, rounded down to the fen: the seller keeps the rest."""
    return amount_fen * commission_bp // BASIS_POINTS


def _split(order, lines=None, *, delivery_fee: bool = True) -> list[dict]:
    """Per line (`lines`, else every line of the order): the seller's payable and the
    county's commission; plus, with `delivery_fee`, the delivery fee, which is the county's
    (it runs delivery)."""
    rows = []
    lines = order.lines.all().order_by("pk") if lines is None else sorted(lines, key=_pk)
    for line in lines:
        commission = commission_of(
            amount_fen=line.line_total_fen, commission_bp=order.commission_bp
        )
        rows.append(
            {
                "kind": Kind.SELLER_PAYABLE,
                "amount_fen": line.line_total_fen - commission,
                "order_line": line,
                "seller_id": line.seller_id,
            }
        )
        rows.append(
            {
                "kind": Kind.COMMISSION,
                "amount_fen": commission,
                "order_line": line,
                "seller_id": line.seller_id,
            }
        )
    if delivery_fee and order.delivery_fee_fen:
        rows.append(
            {"kind": Kind.COMMISSION, "amount_fen": order.delivery_fee_fen, "memo": "配送费"}
        )
    return rows


def _pk(line) -> int:
    return line.pk


def _book(*, order, rows: list[dict], at, provider: str, refund_request=None, receipt_key=""):
    entries = []
    for row in rows:
        entry = LedgerEntry(
            order=order,
            refund_request=refund_request,
            provider=provider,
            created_at=at,
            receipt_key=receipt_key,
            **row,
        )
        entry.full_clean(validate_constraints=False)
        entries.append(entry)
    # One INSERT: the partial unique constraints still refuse a second receipt or refund.
    return LedgerEntry.objects.bulk_create(entries)


@transaction.atomic
def ledger_record_receipt(*, order, cash: bool, at=None) -> list[LedgerEntry]:
    """Book the money received for the whole of `order` (online payment, or cash at the
    service point for all its lines at once) and its split into seller payables and
    commission. Call with the order row locked; a second call for the same order books
    nothing and returns []."""
    if cash:
        return ledger_record_cash_receipt(order=order, lines=None, receipt_key="", at=at)
    if LedgerEntry.objects.filter(order=order, kind=Kind.PAYMENT).exists():
        return []
    at = at or timezone.now()
    rows = [{"kind": Kind.PAYMENT, "amount_fen": order.total_fen}, *_split(order)]
    return _book(order=order, rows=rows, at=at, provider=order.payment_method)


@transaction.atomic
def ledger_record_cash_receipt(
    *, order, lines, receipt_key: str, delivery_fee: bool = True, at=None
) -> list[LedgerEntry]:
    """Book cash taken at the service point for `lines` of `order` (None: every line) and
    their split, with the delivery fee when `delivery_fee` (the first hand-over takes it),
    under `receipt_key` (the hand-over's). Call with the order row locked; the same key again
    books nothing and returns [], and so does a receipt of nothing."""
    if LedgerEntry.objects.filter(
        order=order, kind=Kind.CASH_COLLECTED, receipt_key=receipt_key
    ).exists():
        return []
    if lines is None:
        lines = list(order.lines.all().order_by("pk"))
        delivery_fee = True
    amount = receipt_amount(order=order, lines=lines, delivery_fee=delivery_fee)
    if amount == 0:
        return []
    at = at or timezone.now()
    # The cash is now in the point's till (till_expected counts this very entry).
    received = {
        "kind": Kind.CASH_COLLECTED,
        "amount_fen": amount,
        "service_point_id": order.service_point_id,
    }
    rows = [received, *_split(order, lines, delivery_fee=delivery_fee)]
    return _book(
        order=order, rows=rows, at=at, provider=order.payment_method, receipt_key=receipt_key
    )


@transaction.atomic
def ledger_record_refund(
    *, order, refund_request, lines=None, delivery_fee: bool = True, at=None
) -> list[LedgerEntry]:
    """Book a refund: the refund and the reversal of the split of `lines` (None: the whole
    order), with the delivery fee when `delivery_fee`. The refund's amount is the request's;
    for the books to add up it is what those lines (and the fee) cost."""
    if LedgerEntry.objects.filter(refund_request=refund_request, kind=Kind.REFUND).exists():
        return []
    at = at or timezone.now()
    reversal = [
        {**row, "amount_fen": -row["amount_fen"]}
        for row in _split(order, lines, delivery_fee=delivery_fee)
    ]
    refund = {"kind": Kind.REFUND, "amount_fen": refund_request.amount_fen}
    if not order.is_online:  # a cash order's money goes back out of its point's till
        refund["service_point_id"] = order.service_point_id
    rows = [refund, *reversal]
    return _book(
        order=order,
        rows=rows,
        at=at,
        provider=order.payment_method,
        refund_request=refund_request,
    )


@transaction.atomic
def ledger_record_payout(*, seller, amount_fen: int, memo: str = "", at=None) -> LedgerEntry:
    """Book money paid to a seller (settlement). Not part of the receipts invariant."""
    entry = LedgerEntry(
        kind=Kind.PAYOUT,
        amount_fen=amount_fen,
        seller=seller,
        memo=memo,
        created_at=at or timezone.now(),
    )
    entry.full_clean()
    entry.save()
    return entry
