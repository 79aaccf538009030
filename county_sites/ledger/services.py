"""Writes to the ledger. Each function books one money movement as a group of entries in one
transaction, with one timestamp, so every day (every period) adds up on its own:

- a receipt (online payment, or cash collected at pickup) = seller payables + commissions;
- a refund = the refund + the reversal (negative entries) of those payables and commissions:
  of the lines it covers (a short or damaged line found on receiving), or of everything of
  the order not reversed yet (a whole-order refund).

An online payment covers the whole order. Cash is taken per hand-over (a partial pickup pays
for the lines leaving now), so a cash receipt covers the lines it is given, under the
hand-over's `receipt_key`. See county_sites.ledger.models for the sign convention. A point's
till and its commissions: county_sites.ledger.till and county_sites.ledger.point_commissions.
"""

from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone

from county_sites.ledger.models import LedgerEntry
from county_sites.ledger.selectors import receipt_amount

Kind = LedgerEntry.Kind
BASIS_POINTS = 10_000


def commission_of(*, amount_fen: int, commission_bp: int) -> int:
    """The county's commission on a line, rounded down to the fen: the seller keeps the rest."""
    return amount_fen * commission_bp // BASIS_POINTS


# OrderLine.Arrival values of a line that did not reach the buyer's point whole: a cash buyer
# never pays for it (spelled out here: the ledger sits below county_sites.orders).
NOT_ARRIVED = ("short", "damaged")
# Order.PaymentMethod.CREDIT_LINE, likewise: a receipt the bank paid on the buyer's credit.
CREDIT_LINE = "credit_line"
CREDIT_DRAW_MEMO = "授信用信"


def _split(order, lines=None, *, delivery_fee: bool = True) -> list[dict]:
    """Per line paid for (`lines`, else every line of the order but those found short or
    damaged on receiving: when the money comes only at pickup, a cash buyer never pays for
    them; an online order is paid before it is prepared, so all its lines are in): the
    seller's payable and the county's commission; plus, with `delivery_fee`, the delivery
    fee, which is the county's (it runs delivery)."""
    rows = []
    if lines is None:
        lines = order.lines.exclude(arrival__in=NOT_ARRIVED).order_by("pk")
    else:
        lines = sorted(lines, key=_pk)
    for line in lines:
        commission = commission_of(
            amount_fen=line.line_total_fen, commission_bp=_rate_of(order, line)
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


def _rate_of(order, line) -> int:
    """The line's own snapshotted rate (its category's, county_sites.orders.placing); lines
    placed before rates were per line have none and use the order's."""
    rate = getattr(line, "commission_bp", None)
    return order.commission_bp if rate is None else rate


def _pk(line) -> int:
    return line.pk


def _entries(*, order, rows: list[dict], at, provider: str, refund_request=None, receipt_key=""):
    return [
        LedgerEntry(
            order=order,
            refund_request=refund_request,
            provider=provider,
            created_at=at,
            receipt_key=receipt_key,
            **row,
        )
        for row in rows
    ]


def _book(*, order, rows: list[dict], at, provider: str, refund_request=None, receipt_key=""):
    entries = _entries(
        order=order,
        rows=rows,
        at=at,
        provider=provider,
        refund_request=refund_request,
        receipt_key=receipt_key,
    )
    for entry in entries:
        entry.full_clean(validate_constraints=False)
    # One INSERT: the partial unique constraints still refuse a second receipt or refund.
    return LedgerEntry.objects.bulk_create(entries)


def _receipt_rows(order, lines, *, cash: bool, delivery_fee: bool = True) -> list[dict]:
    """A receipt's rows: the money in (online or on credit: the order's total; cash: what
    `lines` cost, with the delivery fee when `delivery_fee`, into the point's till) and its
    split."""
    if not cash:
        received = {"kind": Kind.PAYMENT, "amount_fen": order.total_fen}
        if order.payment_method == CREDIT_LINE:
            # The bank paid the county in full on the buyer's credit (county_sites.credit).
            received["memo"] = CREDIT_DRAW_MEMO
        return [received, *_split(order, lines)]
    received = {
        "kind": Kind.CASH_COLLECTED,
        "amount_fen": receipt_amount(order=order, lines=lines, delivery_fee=delivery_fee),
        # The cash is now in the point's till (till_expected counts this very entry).
        "service_point_id": order.service_point_id,
    }
    return [received, *_split(order, lines, delivery_fee=delivery_fee)]


def _refund_rows(order, refund_request, reversal: list[dict]) -> list[dict]:
    if -sum(row["amount_fen"] for row in reversal) != refund_request.amount_fen:
        raise ValueError("refund amount differs from the split it reverses")
    refund = {"kind": Kind.REFUND, "amount_fen": refund_request.amount_fen}
    if not order.is_online:  # a cash order's money goes back out of its point's till
        refund["service_point_id"] = order.service_point_id
    return [refund, *reversal]


def _negated(groups) -> list[dict]:
    """The reversal of booked split rows grouped by (kind, line, seller, memo), in the order
    they were first booked; a group that adds up to nothing reverses nothing."""
    return [
        {
            "kind": group["kind"],
            "amount_fen": -group["total"],
            "order_line_id": group["order_line_id"],
            "seller_id": group["seller_id"],
            "memo": group["memo"],
        }
        for group in groups
        if group["total"]
    ]


# ------------------------------------------------------------------------------
# Unsaved entries, for a writer of many orders at once (the demo's history, demo/history.py)
# that books in bulk what the functions below book one order at a time: the same rows, the
# same split and rounding. It must itself know that nothing is booked yet (the partial unique
# constraints still refuse a second receipt or refund).
# ------------------------------------------------------------------------------
def ledger_receipt_entries(
    *, order, lines, cash: bool, at, receipt_key: str = "", delivery_fee: bool = True
) -> list[LedgerEntry]:
    """What ledger_record_receipt (online: `lines` are all the order's lines) or
    ledger_record_cash_receipt (cash, under `receipt_key`) would book for `lines`, unsaved."""
    rows = _receipt_rows(order, lines, cash=cash, delivery_fee=delivery_fee)
    if cash and rows[0]["amount_fen"] == 0:
        return []
    return _entries(
        order=order, rows=rows, at=at, provider=order.payment_method, receipt_key=receipt_key
    )


def ledger_refund_entries(*, order, refund_request, booked: list[LedgerEntry], at):
    """What ledger_record_refund would book for a whole-order `refund_request`, given every
    entry `booked` for the order so far (unsaved or saved), unsaved."""
    groups: dict[tuple, dict] = {}
    for entry in booked:
        if entry.kind not in (Kind.SELLER_PAYABLE, Kind.COMMISSION):
            continue
        line_id = entry.order_line.pk if entry.order_line is not None else None
        key = (entry.kind, line_id, entry.seller_id, entry.memo)
        group = groups.setdefault(
            key,
            {"kind": entry.kind, "order_line_id": line_id, "seller_id": entry.seller_id,
             "memo": entry.memo, "total": 0},
        )  # fmt: skip
        group["total"] += entry.amount_fen
    rows = _refund_rows(order, refund_request, _negated(groups.values()))
    return _entries(
        order=order,
        rows=rows,
        at=at,
        provider=order.payment_method,
        refund_request=refund_request,
    )


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
    rows = _receipt_rows(order, None, cash=False)
    return _book(order=order, rows=rows, at=at, provider=order.payment_method)


def _reversal(order, line_ids: list[int] | None) -> list[dict]:
    """The negative of what is still booked of the order's split (of `line_ids` only when
    given), row by row as it was booked: a line refunded before is not reversed twice."""
    entries = LedgerEntry.objects.filter(
        order=order, kind__in=[Kind.SELLER_PAYABLE, Kind.COMMISSION]
    )
    if line_ids is not None:
        entries = entries.filter(order_line_id__in=line_ids)
    return _negated(
        entries.values("kind", "order_line_id", "seller_id", "memo")
        .annotate(total=Sum("amount_fen"), first=Min("pk"))
        .order_by("first")
    )


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
        lines = list(order.lines.exclude(arrival__in=NOT_ARRIVED).order_by("pk"))
        delivery_fee = True
    rows = _receipt_rows(order, lines, cash=True, delivery_fee=delivery_fee)
    if rows[0]["amount_fen"] == 0:
        return []
    at = at or timezone.now()
    return _book(
        order=order, rows=rows, at=at, provider=order.payment_method, receipt_key=receipt_key
    )


@transaction.atomic
def ledger_record_refund(*, order, refund_request, lines=None, at=None) -> list[LedgerEntry]:
    """Book a refund: the refund and the reversal of the split it gives back. A request that
    covers lines (`lines`, else the request's own `lines`) reverses those lines' payables and
    commissions only; a whole-order request reverses everything of the order still booked
    (a line refunded before is not reversed twice). The refund's amount must be exactly what
    is reversed, or the day would not add up: refuses (ValueError) otherwise."""
    if LedgerEntry.objects.filter(refund_request=refund_request, kind=Kind.REFUND).exists():
        return []
    at = at or timezone.now()
    if lines is not None:
        line_ids = sorted(line.pk for line in lines)
    else:
        line_ids = list(refund_request.lines.values_list("pk", flat=True)) or None
    rows = _refund_rows(order, refund_request, _reversal(order, line_ids))
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
