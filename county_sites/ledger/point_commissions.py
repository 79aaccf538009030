"""A service point's commission on the orders it hands over (issue 9, point 10; docs/adr/
0014-till-and-point-commissions.md).

- accrued when an order is handed over at the point (county_sites.orders.services.moves.
  order_collect_locked calls ledger_point_commission_accrue), online and cash orders alike:
  the point's rate then (snapshot on the entry) × the handed-over value, rounded down to the
  fen; exactly once per order (checked, and a unique constraint);
- released `return_window_days` (service point settings, read when the release runs) after
  the hand-over, by the beat task county_sites.ledger.tasks.ledger_point_commissions_release;
- clawed back (a negative entry) when a refund of the order is approved, before or after its
  release (after: the release is reversed too), by county_sites.orders.services.refund_approve.

A commission that rounds down to 0 fen books nothing: a ledger line of ¥0.00 would be noise,
and the partial unique constraints tell an accrual from its clawback by its sign.

These entries are the county's expense out of its own commission, not buyers' money: they
stay outside the receipts invariant (payment + cash_collected = seller_payable + commission +
refund), like payouts.
"""

import datetime as dt
from decimal import ROUND_FLOOR, Decimal

from django.db import transaction
from django.utils import timezone

from county_sites.ledger.models import LedgerEntry
from service_points.models import ServicePoint
from service_points.selectors import point_commission_rate, service_point_settings_get

Kind = LedgerEntry.Kind


def point_commission_of(*, value_fen: int, rate: Decimal) -> int:
    """rate × value in fen, rounded down to the fen (the county keeps the fraction)."""
    return int((Decimal(value_fen) * rate).to_integral_value(rounding=ROUND_FLOOR))


def ledger_point_commission_entry(
    *, order, point: ServicePoint, rate: Decimal, value_fen: int, at
) -> LedgerEntry | None:
    """The accrual ledger_point_commission_accrue books at `rate`, unsaved (None when it
    rounds down to 0): for a writer of many orders at once (the demo's history)."""
    amount = point_commission_of(value_fen=value_fen, rate=rate)
    if amount <= 0:
        return None
    return LedgerEntry(
        kind=Kind.POINT_COMMISSION,
        amount_fen=amount,
        order=order,
        service_point=point,
        rate=rate,
        base_fen=value_fen,
        created_at=at,
    )


def ledger_point_commission_reversal_entry(entry: LedgerEntry, *, at) -> LedgerEntry:
    """The clawback of an accrual (or a release), unsaved."""
    return LedgerEntry(
        kind=entry.kind,
        amount_fen=-entry.amount_fen,
        order_id=entry.order_id,
        service_point_id=entry.service_point_id,
        rate=entry.rate,
        base_fen=entry.base_fen,
        refund_request=None,
        created_at=at,
    )


def _accrual(order_id):
    return LedgerEntry.objects.filter(
        order_id=order_id, kind=Kind.POINT_COMMISSION, amount_fen__gt=0
    )


@transaction.atomic
def ledger_point_commission_accrue(
    *, order, point: ServicePoint | None, value_fen: int, at=None
) -> LedgerEntry | None:
    """Book `point`'s commission on `value_fen` handed over for `order`, at the point's rate
    now. Call with the order row locked. None (nothing booked) without a point, when the
    order's commission is already booked, or when it rounds down to 0."""
    if point is None or _accrual(order.pk).exists():
        return None
    entry = ledger_point_commission_entry(
        order=order,
        point=point,
        rate=point_commission_rate(point=point),
        value_fen=value_fen,
        at=at or timezone.now(),
    )
    if entry is None:
        return None
    entry.full_clean(validate_constraints=False)  # the database checks them, in one go
    entry.save()
    return entry


def _reverse(entry: LedgerEntry, *, at) -> LedgerEntry:
    reversal = ledger_point_commission_reversal_entry(entry, at=at)
    reversal.full_clean(validate_constraints=False)
    reversal.save()
    return reversal


@transaction.atomic
def ledger_point_commission_claw_back(*, order, at=None) -> list[LedgerEntry]:
    """Take back the point's commission on `order` (its refund was approved): the accrual
    reversed, and its release too if it was released. [] when there is nothing to take back
    or it was already taken back."""
    at = at or timezone.now()
    # Locking the accrual serialises this with the release task (which locks it too), so a
    # release never lands between the check and the clawback.
    accrual = _accrual(order.pk).select_for_update().first()
    if (
        accrual is None
        or LedgerEntry.objects.filter(
            order_id=order.pk, kind=Kind.POINT_COMMISSION, amount_fen__lt=0
        ).exists()
    ):
        return []
    booked = [_reverse(accrual, at=at)]
    release = LedgerEntry.objects.filter(
        order_id=order.pk, kind=Kind.POINT_COMMISSION_RELEASE, amount_fen__gt=0
    ).first()
    if release is not None:
        booked.append(_reverse(release, at=at))
    return booked


@transaction.atomic
def ledger_point_commissions_release(*, now: dt.datetime | None = None) -> list[int]:
    """Release every commission whose order was handed over `return_window_days` or more
    before `now` and neither released nor clawed back yet; returns their orders' ids.
    Idempotent: a released commission is not selected again."""
    now = now or timezone.now()
    window = dt.timedelta(days=service_point_settings_get().return_window_days)
    due = (
        LedgerEntry.objects.filter(
            kind=Kind.POINT_COMMISSION, amount_fen__gt=0, created_at__lte=now - window
        )
        .exclude(
            order__in=LedgerEntry.objects.filter(
                kind__in=[Kind.POINT_COMMISSION, Kind.POINT_COMMISSION_RELEASE],
                amount_fen__lt=0,
            ).values("order")
        )
        .exclude(
            order__in=LedgerEntry.objects.filter(
                kind=Kind.POINT_COMMISSION_RELEASE, amount_fen__gt=0
            ).values("order")
        )
        .order_by("pk")
        # A clawback in progress holds its accrual: skip it (it will not be due again).
        .select_for_update(skip_locked=True, of=("self",))
    )
    releases = [
        LedgerEntry(
            kind=Kind.POINT_COMMISSION_RELEASE,
            amount_fen=accrual.amount_fen,
            order_id=accrual.order_id,
            service_point_id=accrual.service_point_id,
            rate=accrual.rate,
            base_fen=accrual.base_fen,
            created_at=now,
        )
        for accrual in due
    ]
    # A concurrent run may have released some meanwhile: the unique constraint skips them.
    LedgerEntry.objects.bulk_create(releases, ignore_conflicts=True)
    return [release.order_id for release in releases]
