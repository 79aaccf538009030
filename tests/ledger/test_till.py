"""A service point's till (issue 9, point 9): cash taken at hand-over goes in, cash refunds
and cash handed to the county go out, the day's close books counted - expected; every amount
is a ledger entry, every refusal leaves the ledger and the closes as they were."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from core.errors import ApplicationError
from county_sites.ledger.models import LedgerEntry, LedgerEntryImmutableError, TillClose
from county_sites.ledger.selectors import (
    TillFigures,
    business_day_of,
    ledger_daily_totals,
    ledger_totals,
    till_close_list,
    till_day,
    till_expected,
    till_points_today,
)
from county_sites.ledger.till import (
    MSG_ALREADY_CLOSED,
    MSG_AMOUNT_INVALID,
    MSG_AMOUNT_TOO_LARGE,
    MSG_HANDOVER_AMOUNT_POSITIVE,
    MSG_HANDOVER_MORE_THAN_TILL,
    MSG_HANDOVER_TO_REQUIRED,
    MSG_TILL_NOT_YOURS,
    till_amount_parse,
    till_close,
    till_handover_record,
)
from tests.fixtures.orders import place
from tests.ledger.till_helpers import handed_over, ledger_snapshot, refunded

DAY = dt.timedelta(days=1)


@pytest.fixture
def two_cash_parcels(operator, clerk, buyer, tea, shoots, point):
    """¥141.00 (白茶 × 1, 竹笋 × 2) and ¥128.00 (白茶 × 1), cash, handed over at point P."""
    return [
        handed_over(operator=operator, clerk=clerk, buyer=buyer, lines=[(tea, 1), (shoots, 2)],
                    point=point, cash=True),
        handed_over(operator=operator, clerk=clerk, buyer=buyer, lines=[(tea, 1)], point=point,
                    cash=True),
    ]  # fmt: skip


def _refused(message, service, **kwargs):
    before = ledger_snapshot()
    with pytest.raises(ApplicationError) as refusal:
        service(**kwargs)
    assert refusal.value.message == message
    assert ledger_snapshot() == before
    return refusal.value


# ------------------------------------------------------------------------------
# The arithmetic
# ------------------------------------------------------------------------------
def test_cash_handed_over_fills_the_till_and_the_close_books_the_difference(
    two_cash_parcels, clerk, point
):
    now = timezone.now()
    handed = till_handover_record(
        actor=clerk.user, point=point, amount_fen=5_000, handed_to="县运营 张丽", receipt_no="R-7",
        at=now,
    )  # fmt: skip

    day = till_day(point=point, now=now)
    assert (day.opening_fen, day.cash_in_fen, day.refunds_fen, day.handed_fen) == (
        0,
        26_900,
        0,
        5_000,
    )
    assert day.expected_fen == 21_900 == till_expected(point=point)
    assert [line.effect_fen for line in day.lines] == [14_100, 12_800, -5_000]
    assert handed.memo == "交给：县运营 张丽；收据号：R-7"
    assert handed.recorded_by_id == clerk.user.pk

    close = till_close(
        actor=clerk.user, point=point, counted_fen=21_850, at=now + dt.timedelta(seconds=1)
    )

    assert close.business_day == business_day_of(now)
    assert close.closed_by_id == clerk.user.pk
    assert close.difference_entry.kind == "till_difference"
    assert close.difference_entry.amount_fen == -50
    assert close.difference_entry.service_point_id == point.pk
    day = till_day(point=point, now=now)
    assert (day.expected_at_close_fen, day.counted_fen, day.difference_fen) == (21_900, 21_850, -50)
    assert day.expected_fen == 21_850 == till_expected(point=point)
    listed = till_close_list(point=point).get()
    assert (listed.expected_fen, listed.counted_fen) == (21_900, 21_850)
    # The next day opens with the cash counted.
    assert till_day(point=point, now=now + DAY).opening_fen == 21_850


def test_a_surplus_is_a_positive_difference_and_later_cash_stays_out_of_the_close(
    two_cash_parcels, operator, clerk, buyer, tea, point
):
    now = timezone.now()
    close = till_close(actor=clerk.user, point=point, counted_fen=27_000, at=now)
    handed_over(
        operator=operator, clerk=clerk, buyer=buyer, lines=[(tea, 1)], point=point, cash=True
    )

    assert close.difference_entry.amount_fen == 100
    listed = till_close_list(point=point).get()
    assert (listed.expected_fen, listed.counted_fen) == (26_900, 27_000)
    assert till_expected(point=point) == 27_000 + 12_800


def test_closing_with_nothing_to_count_books_a_zero_difference(clerk, point):
    close = till_close(actor=clerk.user, point=point, counted_fen=0)

    assert close.difference_entry.amount_fen == 0
    assert till_day(point=point).counted_fen == 0
    assert till_expected(point=point) == 0


def test_closing_the_same_day_twice_is_refused_and_changes_nothing(two_cash_parcels, clerk, point):
    now = timezone.now()
    till_close(actor=clerk.user, point=point, counted_fen=26_900, at=now)
    # A later moment of the same business day, whatever the time the suite runs (an hour
    # later would be tomorrow after 23:00 local).
    later = now + dt.timedelta(minutes=1)
    if business_day_of(later) != business_day_of(now):
        later = now - dt.timedelta(minutes=1)

    _refused(
        MSG_ALREADY_CLOSED % {"day": business_day_of(now).isoformat()},
        till_close, actor=clerk.user, point=point, counted_fen=1, at=later,
    )  # fmt: skip
    assert TillClose.objects.filter(service_point=point).count() == 1


def test_the_next_day_closes_on_its_own(two_cash_parcels, clerk, point):
    now = timezone.now()
    till_close(actor=clerk.user, point=point, counted_fen=26_900, at=now)

    tomorrow = till_close(actor=clerk.user, point=point, counted_fen=26_000, at=now + DAY)

    assert tomorrow.business_day == business_day_of(now) + DAY
    assert tomorrow.difference_entry.amount_fen == -900


def test_a_cash_refund_comes_out_of_the_till_an_online_one_does_not(
    two_cash_parcels, operator, clerk, buyer, tea, point, bank_in_process
):
    online = handed_over(operator=operator, clerk=clerk, buyer=buyer, lines=[(tea, 1)], point=point,
                         cash=False)  # fmt: skip
    assert till_expected(point=point) == 26_900  # online money is not in the till

    refunded(operator=operator, order=online)
    assert till_expected(point=point) == 26_900

    refunded(operator=operator, order=two_cash_parcels[1])
    day = till_day(point=point)
    assert day.refunds_fen == 12_800
    assert day.expected_fen == 14_100 == till_expected(point=point)
    refund = LedgerEntry.objects.get(order=two_cash_parcels[1], kind="refund")
    assert refund.service_point_id == point.pk


# ------------------------------------------------------------------------------
# Refusals
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "fen"),
    [("1234.5", 123_450), ("1,234.50", 123_450), (" ¥12 ", 1_200), ("０.０５", 5), ("0", 0)],
)
def test_amounts_are_read_as_people_type_them(typed, fen):
    assert till_amount_parse(typed) == fen


@pytest.mark.parametrize("typed", ["", "abc", "12.345", "1,23", "-5", "1.2.3", "12元5角"])
def test_unreadable_amounts_are_refused(typed):
    with pytest.raises(ApplicationError) as refusal:
        till_amount_parse(typed)
    assert refusal.value.message == MSG_AMOUNT_INVALID


def test_an_absurd_amount_is_refused():
    with pytest.raises(ApplicationError) as refusal:
        till_amount_parse("1000000.01")
    assert refusal.value.message == MSG_AMOUNT_TOO_LARGE


def test_handing_over_more_than_the_till_holds_is_refused(two_cash_parcels, clerk, point):
    _refused(
        MSG_HANDOVER_MORE_THAN_TILL % {"expected": "269.00", "amount": "269.01"},
        till_handover_record, actor=clerk.user, point=point, amount_fen=26_901, handed_to="张丽",
    )  # fmt: skip
    _refused(MSG_HANDOVER_TO_REQUIRED, till_handover_record, actor=clerk.user, point=point,
             amount_fen=100, handed_to="  ")  # fmt: skip
    _refused(MSG_HANDOVER_AMOUNT_POSITIVE, till_handover_record, actor=clerk.user, point=point,
             amount_fen=0, handed_to="张丽")  # fmt: skip


def test_only_the_points_clerks_and_operators_touch_its_till(
    two_cash_parcels, operator, clerk_q, buyer, point
):
    for user in (clerk_q.user, buyer):
        _refused(MSG_TILL_NOT_YOURS, till_close, actor=user, point=point, counted_fen=0)
        _refused(MSG_TILL_NOT_YOURS, till_handover_record, actor=user, point=point,
                 amount_fen=100, handed_to="张丽")  # fmt: skip

    entry = till_handover_record(actor=operator, point=point, amount_fen=100, handed_to="张丽")
    assert entry.recorded_by_id == operator.pk


def test_till_entries_and_closes_are_immutable(two_cash_parcels, clerk, point):
    close = till_close(actor=clerk.user, point=point, counted_fen=26_000)

    with pytest.raises(LedgerEntryImmutableError):
        close.save()
    with pytest.raises(LedgerEntryImmutableError):
        close.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=close.difference_entry_id).update(amount_fen=0)
    assert LedgerEntry.objects.get(pk=close.difference_entry_id).amount_fen == -900


# ------------------------------------------------------------------------------
# The operator's figures and the receipts invariant
# ------------------------------------------------------------------------------
def test_points_today_gives_each_tills_cash_and_difference_in_one_query(
    two_cash_parcels, operator, clerk, clerk_q, buyer, tea, point, point_q
):
    handed_over(operator=operator, clerk=clerk_q, buyer=buyer, lines=[(tea, 1)], point=point_q,
                cash=True)  # fmt: skip
    till_close(actor=clerk.user, point=point, counted_fen=26_880)
    with CaptureQueriesContext(connection) as few:
        figures = till_points_today()
    handed_over(
        operator=operator, clerk=clerk, buyer=buyer, lines=[(tea, 1)], point=point, cash=True
    )
    with CaptureQueriesContext(connection) as more:
        till_points_today()

    assert figures == {
        point.pk: TillFigures(expected_fen=26_880, difference_fen=-20, closed=True),
        point_q.pk: TillFigures(expected_fen=12_800, difference_fen=0, closed=False),
    }
    assert figures[point.pk].difference_yuan == "-¥0.20"
    assert figures[point_q.pk].difference_yuan == "—"
    assert len(few) == len(more) == 1
    # Yesterday's close is not today's.
    assert till_points_today(now=timezone.now() + DAY)[point.pk].closed is False


def test_the_receipts_invariant_holds_with_the_till_and_commission_entries(
    two_cash_parcels, operator, clerk, point
):
    till_handover_record(actor=clerk.user, point=point, amount_fen=10_000, handed_to="张丽")
    refunded(operator=operator, order=two_cash_parcels[0])
    till_close(actor=clerk.user, point=point, counted_fen=2_000)
    totals = ledger_totals()

    assert totals["till_handover"] == 10_000
    assert totals["till_difference"] == 2_000 - (26_900 - 10_000 - 14_100)
    assert (
        totals["point_commission"] == 423 + 384 - 423
    )  # 3 % of 14 100 and of 12 800; the first clawed back
    today = timezone.localdate()
    (day,) = ledger_daily_totals(since=today, until=today)
    assert day.received == 26_900
    assert day.difference == 0


def test_another_county_sees_none_of_this_till(two_cash_parcels, clerk, point, other_county):
    till_close(actor=clerk.user, point=point, counted_fen=26_900)

    with tenant_context(other_county):
        assert till_points_today() == {}
        assert list(till_close_list()) == []


def test_the_migration_gives_cash_booked_before_it_its_point(operator, buyer, tea, point):
    import importlib

    migration = importlib.import_module(
        "county_sites.ledger.migrations.0005_till_and_point_commissions"
    )
    order = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    old = LedgerEntry.objects.create(
        kind="cash_collected", amount_fen=12_800, order=order, provider="cash_on_pickup"
    )  # as booked before the till existed: no point

    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)

    assert LedgerEntry.objects.get(pk=old.pk).service_point_id == point.pk
    assert till_expected(point=point) == 12_800
    with pytest.raises(DatabaseError), transaction.atomic():  # the trigger is back
        LedgerEntry.objects.filter(pk=old.pk).update(amount_fen=1)
