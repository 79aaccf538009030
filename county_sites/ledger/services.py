"""Writes to the ledger. Each function books one money movement as a group of entries in one
transaction, with one timestamp, so every day (every period) adds up on its own:

- a receipt (online payment, or cash collected at pickup) = seller payables + commissions;
- a refund = the refund + the reversal (negative entries) of those payables and commissions:
  of the lines it covers (a short or damaged line found on receiving), or of everything of
  the order not reversed yet (a whole-order refund).

See county_sites.ledger.models for the sign convention.
"""

from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone

from county_sites.ledger.models import LedgerEntry

Kind = LedgerEntry.Kind
BASIS_POINTS = 10_000


def commission_of(*, amount_fen: int, commission_bp: int) -> int:
    """The county's commission on a line, rounded down to the fen: the seller keeps the rest."""
    return amount_fen * commission_bp // BASIS_POINTS


# OrderLine.Arrival values of a line that did not reach the buyer's point whole: a cash buyer
# never pays for it (spelled out here: the ledger sits below county_sites.orders).
NOT_ARRIVED = ("short", "damaged")


def _split(order) -> list[dict]:
    """Per line paid for: the seller's payable and the county's commission; plus the delivery
    fee, which is the county's (it runs delivery). A line found short or damaged on receiving
    is not paid for when the money comes only at pickup (cash): it is left out. An online
    order is paid before it is prepared, so all its lines are in."""
    rows = []
    for line in order.lines.exclude(arrival__in=NOT_ARRIVED).order_by("pk"):
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
    split = _split(order)
    rows = [{"kind": kind, "amount_fen": sum(row["amount_fen"] for row in split)}, *split]
    return _book(order=order, rows=rows, at=at, provider=order.payment_method)


def _reversal(order, line_ids: list[int] | None) -> list[dict]:
    """The negative of what is still booked of the order's split (of `line_ids` only when
    given), row by row as it was booked: a line refunded before is not reversed twice."""
    entries = LedgerEntry.objects.filter(
        order=order, kind__in=[Kind.SELLER_PAYABLE, Kind.COMMISSION]
    )
    if line_ids is not None:
        entries = entries.filter(order_line_id__in=line_ids)
    rows = (
        entries.values("kind", "order_line_id", "seller_id", "memo")
        .annotate(total=Sum("amount_fen"), first=Min("pk"))
        .order_by("first")
    )
    return [
        {
            "kind": row["kind"],
            "amount_fen": -row["total"],
            "order_line_id": row["order_line_id"],
            "seller_id": row["seller_id"],
            "memo": row["memo"],
        }
        for row in rows
        if row["total"]
    ]


@transaction.atomic
def ledger_record_refund(*, order, refund_request, at=None) -> list[LedgerEntry]:
    """Book a refund: the refund and the reversal of the split it gives back. A request that
    covers lines reverses those lines' payables and commissions only; a whole-order request
    reverses everything of the order still booked. The refund's amount must be exactly what
    is reversed, or the day would not add up: refuses (ValueError) otherwise."""
    if LedgerEntry.objects.filter(refund_request=refund_request, kind=Kind.REFUND).exists():
        return []
    at = at or timezone.now()
    line_ids = list(refund_request.lines.values_list("pk", flat=True)) or None
    reversal = _reversal(order, line_ids)
    if -sum(row["amount_fen"] for row in reversal) != refund_request.amount_fen:
        raise ValueError("refund amount differs from the split it reverses")
    rows = [{"kind": Kind.REFUND, "amount_fen": refund_request.amount_fen}, *reversal]
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
