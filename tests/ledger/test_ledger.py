"""The ledger: immutable entries, and money adding up over a mixed day of orders."""

import pytest
from django.db import DatabaseError, connection, transaction

from county_sites.ledger.models import LedgerEntry, LedgerEntryImmutableError
from county_sites.ledger.selectors import ledger_daily_totals, ledger_totals
from county_sites.ledger.services import ledger_record_payout
from county_sites.orders.services import (
    order_arrive,
    order_cancel,
    order_collect,
    order_mark_paid,
    order_prepare,
    refund_approve,
    refund_request_create,
)
from tests.fixtures.orders import place


@pytest.fixture
def mixed_day(buyer, other_buyer, county_operator, tea, shoots, point, zone, bank_in_process):
    """Online pickup, online delivery (fee), cash collected, a refunded online order, a cash
    refund, a cancelled order and an unpaid one."""
    from county_sites.orders.services import order_pay_start
    from sandbox_bank.services import transaction_pay

    def paid(order):
        order_pay_start(order=order, notify_url="http://anji.localhost/n/", return_url="http://r/")
        from sandbox_bank.models import SandboxTransaction

        transaction_pay(token=SandboxTransaction.objects.get(out_trade_no=order.number).token)
        return order_mark_paid(order=order)

    def collected_cash(order):
        order_prepare(order=order, actor=county_operator)
        order_arrive(order=order, actor=county_operator)
        return order_collect(order=order, actor=county_operator, pickup_code=order.pickup_code)

    orders = {
        "online_pickup": paid(place(buyer, [(tea, 1), (shoots, 3)], point=point)),
        "online_delivery": paid(place(buyer, [(shoots, 7)], zone=zone)),
        "cash": collected_cash(
            place(other_buyer, [(tea, 2)], point=point, payment="cash_on_pickup")
        ),
        "refunded_online": paid(place(other_buyer, [(tea, 1), (shoots, 1)], zone=zone)),
        "refunded_cash": collected_cash(
            place(buyer, [(shoots, 9)], point=point, payment="cash_on_pickup")
        ),
    }
    for name in ("refunded_online", "refunded_cash"):
        order = orders[name]
        request = refund_request_create(buyer=order.buyer, order=order, reason="坏了")
        refund_approve(actor=county_operator, refund_request=request)
    order_cancel(order=place(buyer, [(tea, 1)], point=point), actor=buyer)
    place(buyer, [(tea, 1)], point=point)  # unpaid
    return orders


def test_money_adds_up_over_a_mixed_day(mixed_day):
    totals = ledger_totals()

    received = totals["payment"] + totals["cash_collected"]
    assert received == sum(order.total_fen for order in mixed_day.values())
    assert received == totals["seller_payable"] + totals["commission"] + totals["refund"]
    assert (
        totals["refund"]
        == mixed_day["refunded_online"].total_fen + mixed_day["refunded_cash"].total_fen
    )
    # What is kept: the three orders not refunded, split 95/5 by line plus delivery fees.
    kept = [mixed_day[name] for name in ("online_pickup", "online_delivery", "cash")]
    assert totals["seller_payable"] + totals["commission"] == sum(order.total_fen for order in kept)
    assert totals["commission"] == sum(
        sum(line.line_total_fen * 500 // 10_000 for line in order.lines.all())
        + order.delivery_fee_fen
        for order in kept
    )


def test_the_daily_report_adds_up_and_payouts_stay_outside_it(mixed_day, tea_seller):
    from django.utils import timezone

    ledger_record_payout(seller=tea_seller, amount_fen=10_000, memo="周结")
    today = timezone.localdate()

    (day,) = ledger_daily_totals(since=today, until=today)

    assert day.day == today
    assert day.received > 0
    assert day.difference == 0
    assert day.get("payout") == 10_000


def test_entries_cannot_be_changed_or_deleted(mixed_day):
    entry = LedgerEntry.objects.first()

    entry.amount_fen = 1
    with pytest.raises(LedgerEntryImmutableError):
        entry.save()
    with pytest.raises(LedgerEntryImmutableError):
        entry.delete()


def test_the_database_refuses_updates_and_deletes_too(mixed_day):
    entry = LedgerEntry.objects.order_by("pk").first()
    original = entry.amount_fen

    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_fen=1)
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with (
        pytest.raises(DatabaseError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE ledger_ledgerentry SET amount_fen = 0")

    entry.refresh_from_db()
    assert entry.amount_fen == original


def test_a_second_receipt_for_an_order_is_refused_by_the_database(mixed_day):
    from django.db import IntegrityError

    order = mixed_day["online_pickup"]
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(kind="payment", amount_fen=1, order=order)
    assert LedgerEntry.objects.filter(order=order, kind="payment").count() == 1
