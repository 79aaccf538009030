"""A service point's commissions (issue 9, point 10): rate × handed-over value exactly once,
released after the return window and not before, clawed back on a refund before or after the
release; the monthly statement's totals are its lines'; the receipts invariant is untouched."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context
from wagtail.models import Site

from core.county_tasks import WrongSchemaError
from county_sites.ledger.models import LedgerEntry
from county_sites.ledger.point_commissions import (
    ledger_point_commission_accrue,
    ledger_point_commission_claw_back,
    ledger_point_commissions_release,
    point_commission_of,
)
from county_sites.ledger.selectors import (
    CommissionState,
    ledger_daily_totals,
    point_commission_statement,
)
from county_sites.ledger.statements import point_commission_csv, statement_month_parse
from county_sites.ledger.tasks import ledger_point_commissions_release_due
from county_sites.orders.services import order_collect
from service_points.models import ServicePointSettings
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.orders import place
from tests.ledger.till_helpers import handed_over, refunded

WINDOW = dt.timedelta(days=7)  # the county's default return window
S = CommissionState


@pytest.fixture
def point(in_county):
    """Point P, at its own rate of 3.5 %."""
    return ServicePointFactory(name="递铺服务点", commission_rate=Decimal("0.0350"))


def _commissions(order):
    return list(
        LedgerEntry.objects.filter(
            order=order, kind__in=["point_commission", "point_commission_release"]
        )
        .order_by("pk")
        .values_list("kind", "amount_fen")
    )


def _window(days: int):
    ServicePointSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True), defaults={"return_window_days": days}
    )


# ------------------------------------------------------------------------------
# Accrual
# ------------------------------------------------------------------------------
def test_rate_times_value_rounded_down_to_the_fen():
    assert point_commission_of(value_fen=14_100, rate=Decimal("0.0350")) == 493  # 493.5
    assert point_commission_of(value_fen=999, rate=Decimal("0.0300")) == 29  # 29.97
    assert point_commission_of(value_fen=12_800, rate=Decimal("0")) == 0


def test_a_handed_over_order_earns_the_point_rate_times_its_value_once(
    operator, clerk, buyer, tea, shoots, point, bank_in_process
):
    order = handed_over(operator=operator, clerk=clerk, buyer=buyer,
                        lines=[(tea, 1), (shoots, 2)], point=point, cash=False)  # fmt: skip

    entry = LedgerEntry.objects.get(order=order, kind="point_commission")
    assert (entry.amount_fen, entry.base_fen, entry.rate) == (493, 14_100, Decimal("0.0350"))
    assert entry.service_point_id == point.pk
    assert entry.created_at == order.completed_at

    # Collecting again is refused by the state machine; accruing again books nothing.
    point.commission_rate = Decimal("0.1000")
    point.save()
    assert ledger_point_commission_accrue(order=order, point=point, value_fen=14_100) is None
    assert _commissions(order) == [("point_commission", 493)]  # the rate was a snapshot
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            kind="point_commission",
            amount_fen=1,
            order=order,
            service_point=point,
            rate=Decimal("0.1"),
            base_fen=10,
        )


def test_cash_orders_earn_too_at_the_countys_default_rate(operator, clerk_q, buyer, tea, point_q):
    order = handed_over(operator=operator, clerk=clerk_q, buyer=buyer, lines=[(tea, 1)],
                        point=point_q, cash=True)  # fmt: skip

    entry = LedgerEntry.objects.get(order=order, kind="point_commission")
    assert (entry.amount_fen, entry.rate) == (384, Decimal("0.0300"))  # 3 % of 12 800


def test_the_operators_collect_accrues_the_same_way(operator, buyer, tea, point):
    from county_sites.orders.services import order_arrive, order_prepare

    order = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    order_prepare(order=order, actor=operator)
    order_arrive(order=order, actor=operator)
    order.refresh_from_db()
    order_collect(order=order, actor=operator, pickup_code=order.pickup_code)

    assert _commissions(order) == [("point_commission", 448)]  # 3.5 % of 12 800


def test_a_delivered_order_earns_no_point_commission(operator, buyer, tea, zone):
    order = place(buyer, [(tea, 1)], zone=zone)

    assert ledger_point_commission_accrue(order=order, point=None, value_fen=12_800) is None
    assert _commissions(order) == []


# ------------------------------------------------------------------------------
# Release
# ------------------------------------------------------------------------------
def test_released_after_the_return_window_and_not_before(operator, clerk, buyer, tea, point):
    order = handed_over(operator=operator, clerk=clerk, buyer=buyer, lines=[(tea, 1)],
                        point=point, cash=True)  # fmt: skip
    due = order.completed_at + WINDOW

    assert ledger_point_commissions_release(now=due - dt.timedelta(seconds=1)) == []
    assert _commissions(order) == [("point_commission", 448)]

    assert ledger_point_commissions_release(now=due) == [order.pk]
    assert ledger_point_commissions_release(now=due + WINDOW) == []  # once
    assert _commissions(order) == [("point_commission", 448), ("point_commission_release", 448)]
    release = LedgerEntry.objects.get(order=order, kind="point_commission_release")
    assert release.created_at == due


def test_the_window_is_the_countys_setting(operator, clerk, buyer, tea, point):
    _window(2)
    order = handed_over(operator=operator, clerk=clerk, buyer=buyer, lines=[(tea, 1)],
                        point=point, cash=True)  # fmt: skip
    due = order.completed_at + dt.timedelta(days=2)

    assert ledger_point_commissions_release(now=due - dt.timedelta(seconds=1)) == []
    assert ledger_point_commissions_release(now=due) == [order.pk]


def test_the_task_releases_once_in_its_own_county(
    operator, clerk, buyer, tea, point, county, other_county
):
    _window(0)
    order = handed_over(operator=operator, clerk=clerk, buyer=buyer, lines=[(tea, 1)],
                        point=point, cash=True)  # fmt: skip

    assert ledger_point_commissions_release_due(county.pk) == [order.pk]
    assert ledger_point_commissions_release_due(county.pk) == []
    assert _commissions(order) == [("point_commission", 448), ("point_commission_release", 448)]
    with pytest.raises(WrongSchemaError):
        ledger_point_commissions_release_due(other_county.pk)


# ------------------------------------------------------------------------------
# Clawback
# ------------------------------------------------------------------------------
def test_a_refund_before_the_release_claws_the_commission_back(operator, clerk, buyer, tea, point):
    order = handed_over(operator=operator, clerk=clerk, buyer=buyer, lines=[(tea, 1)],
                        point=point, cash=True)  # fmt: skip

    refunded(operator=operator, order=order)

    assert _commissions(order) == [("point_commission", 448), ("point_commission", -448)]
    assert ledger_point_commissions_release(now=order.completed_at + WINDOW) == []
    assert ledger_point_commission_claw_back(order=order) == []  # once
    assert _commissions(order) == [("point_commission", 448), ("point_commission", -448)]


def test_a_refund_after_the_release_claws_back_the_release_too(operator, clerk, buyer, tea, point):
    order = handed_over(operator=operator, clerk=clerk, buyer=buyer, lines=[(tea, 1)],
                        point=point, cash=True)  # fmt: skip
    ledger_point_commissions_release(now=order.completed_at + WINDOW)

    refunded(operator=operator, order=order)

    assert _commissions(order) == [
        ("point_commission", 448),
        ("point_commission_release", 448),
        ("point_commission", -448),
        ("point_commission_release", -448),
    ]


def test_a_refund_of_an_order_not_handed_over_claws_nothing_back(
    operator, buyer, tea, point, bank_in_process
):
    from tests.ledger.till_helpers import paid_at_the_bank

    order = paid_at_the_bank(place(buyer, [(tea, 1)], point=point))

    refunded(operator=operator, order=order)

    assert _commissions(order) == []


# ------------------------------------------------------------------------------
# The monthly statement
# ------------------------------------------------------------------------------
@pytest.fixture
def three_orders(operator, clerk, buyer, tea, shoots, point):
    """Handed over at P one after the other: the first released (its window has passed, not
    yet the second's), the second still in its window, the third clawed back."""
    orders = [
        handed_over(operator=operator, clerk=clerk, buyer=buyer, lines=lines, point=point,
                    cash=True)
        for lines in ([(tea, 1)], [(tea, 1), (shoots, 2)], [(shoots, 3)])
    ]  # fmt: skip
    assert ledger_point_commissions_release(now=orders[0].completed_at + WINDOW) == [orders[0].pk]
    refunded(operator=operator, order=orders[2])
    return orders


def test_the_statement_lists_each_order_in_its_state_and_totals_add_up(three_orders, point):
    month = timezone.localdate().replace(day=1)

    statement = point_commission_statement(point=point, month=month)

    assert [(line.order_number, line.value_fen, line.commission_fen, line.state)
            for line in statement.lines] == [
        (three_orders[0].number, 12_800, 448, S.RELEASED),
        (three_orders[1].number, 14_100, 493, S.ACCRUED),
        (three_orders[2].number, 1_950, 68, S.CLAWED_BACK),
    ]  # fmt: skip
    assert statement.commission_fen == sum(line.commission_fen for line in statement.lines) == 1_009
    assert statement.value_fen == 28_850
    assert (statement.accrued_fen, statement.released_fen, statement.clawed_back_fen) == (
        493,
        448,
        68,
    )
    assert statement.net_fen == 941
    assert statement.accrued_fen + statement.released_fen + statement.clawed_back_fen == 1_009


def test_an_order_still_in_its_window_is_accrued(operator, clerk, buyer, tea, point):
    handed_over(operator=operator, clerk=clerk, buyer=buyer, lines=[(tea, 1)], point=point,
                cash=True)  # fmt: skip

    statement = point_commission_statement(point=point, month=timezone.localdate())

    assert [line.state for line in statement.lines] == [S.ACCRUED]
    assert (statement.accrued_fen, statement.net_fen) == (448, 448)


def test_the_statement_is_one_query_and_only_its_month_and_point(
    three_orders, operator, clerk_q, buyer, tea, point, point_q
):
    month = timezone.localdate().replace(day=1)
    with CaptureQueriesContext(connection) as queries:
        point_commission_statement(point=point, month=month)
    handed_over(operator=operator, clerk=clerk_q, buyer=buyer, lines=[(tea, 1)], point=point_q,
                cash=True)  # fmt: skip

    assert len(queries) == 1
    assert len(point_commission_statement(point=point, month=month).lines) == 3
    last_month = (month - dt.timedelta(days=1)).replace(day=1)
    assert point_commission_statement(point=point, month=last_month).lines == []


def test_the_csv_is_exact(three_orders, point):
    statement = point_commission_statement(point=point, month=timezone.localdate())
    day = timezone.localdate().isoformat()
    numbers = [order.number for order in three_orders]

    assert point_commission_csv(statement).decode("utf-8") == (
        "\ufeff订单号,交付日期,交付金额（元）,佣金比例,佣金（元）,状态\r\n"
        f"{numbers[0]},{day},128.00,3.50%,4.48,已结算\r\n"
        f"{numbers[1]},{day},141.00,3.50%,4.93,待结算\r\n"
        f"{numbers[2]},{day},19.50,3.50%,0.68,已扣回\r\n"
        "合计,,288.50,,10.09,\r\n"
        "待结算,,,,4.93,\r\n"
        "已结算,,,,4.48,\r\n"
        "已扣回,,,,0.68,\r\n"
        "应得佣金,,,,9.41,\r\n"
    )


def test_months_are_read_as_typed():
    today = dt.date(2026, 12, 15)
    assert statement_month_parse("2026-12", today=today) == dt.date(2026, 12, 1)
    assert statement_month_parse("2026-3", today=today) == dt.date(2026, 3, 1)
    assert statement_month_parse("", today=today) == dt.date(2026, 12, 1)
    for bad in ("2026-13", "26-12", "december", "2026/12"):
        assert statement_month_parse(bad, today=today) is None


# ------------------------------------------------------------------------------
# The receipts invariant and another county
# ------------------------------------------------------------------------------
def test_point_commissions_leave_the_receipts_invariant_alone(three_orders):
    today = timezone.localdate()

    (day,) = ledger_daily_totals(since=today, until=today)

    assert day.get("point_commission") == 1_009 - 68
    assert day.difference == 0


def test_another_county_sees_none_of_these_commissions(three_orders, point, other_county):
    with tenant_context(other_county):
        assert LedgerEntry.objects.filter(kind="point_commission").count() == 0
        assert ledger_point_commissions_release(now=timezone.now() + WINDOW) == []


def test_beat_runs_the_release_hourly_in_every_county(settings):
    from celery import current_app

    entry = settings.CELERY_BEAT_SCHEDULE["counties-point-commissions-release"]

    assert entry == {
        "task": "county_sites.ledger.tasks.counties_point_commissions_release",
        "schedule": 3600,
    }
    assert entry["task"] in current_app.tasks
