"""Writes to the ledger. Each function books one money movement as a group of entries in one
transaction, with one timestamp, so every day (every period) adds up on its own:

- a receipt (online payment, or cash collected at pickup) = seller payables + commissions;
- a refund = the refund + the reversal (negative entries) of those payables and commissions.

Only whole-order refunds exist for now, so a refund reverses the whole split of its order.
See county_sites.ledger.models for the sign convention. A point's till and its commissions:
county_sites.ledger.till and county_sites.ledger.point_commissions.
"""

from django.db import transaction
from django.utils import timezone

from county_sites.ledger.models import LedgerEntry

Kind = LedgerEntry.Kind
BASIS_POINTS = 10_000


def commission_of(*, amount_fen: int, commission_bp: int) -> int:
    """The county's commission on a line, rounded down to the fen: the seller keeps the rest."""
    return amount_fen * commission_bp // BASIS_POINTS


def _split(order) -> list[dict]:
    """Per line: the seller's payable and the county's commission; plus the delivery fee,
    which is the county's (it runs delivery)."""
    rows = []
    for line in order.lines.all().order_by("pk"):
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
    if order.delivery_fee_fen:
        rows.append(
            {"kind": Kind.COMMISSION, "amount_fen": order.delivery_fee_fen, "memo": "配送费"}
        )
    return rows


def _book(*, order, rows: list[dict], at, provider: str, refund_request=None):
    entries = []
    for row in rows:
        entry = LedgerEntry(
            order=order,
            refund_request=refund_request,
            provider=provider,
            created_at=at,
            **row,
        )
        entry.full_clean(validate_constraints=False)
        entries.append(entry)
    # One INSERT: the partial unique constraints still refuse a second receipt or refund.
    return LedgerEntry.objects.bulk_create(entries)


@transaction.atomic
def ledger_record_receipt(*, order, cash: bool, at=None) -> list[LedgerEntry]:
    """Book the money received for `order` (online payment, or cash at the service point)
    and its split into seller payables and commission. Call with the order row locked; a
    second call for the same order books nothing and returns []."""
    kind = Kind.CASH_COLLECTED if cash else Kind.PAYMENT
    if LedgerEntry.objects.filter(
        order=order, kind__in=[Kind.PAYMENT, Kind.CASH_COLLECTED]
    ).exists():
        return []
    at = at or timezone.now()
    received = {"kind": kind, "amount_fen": order.total_fen}
    if cash:  # the cash is now in the point's till (till_expected counts this very entry)
        received["service_point_id"] = order.service_point_id
    rows = [received, *_split(order)]
    return _book(order=order, rows=rows, at=at, provider=order.payment_method)


@transaction.atomic
def ledger_record_refund(*, order, refund_request, at=None) -> list[LedgerEntry]:
    """Book a whole-order refund: the refund and the reversal of the order's split."""
    if LedgerEntry.objects.filter(refund_request=refund_request, kind=Kind.REFUND).exists():
        return []
    at = at or timezone.now()
    reversal = [{**row, "amount_fen": -row["amount_fen"]} for row in _split(order)]
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
