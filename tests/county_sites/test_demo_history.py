"""The demo's bulk history (demo/history.py; issue 10, point 7): the older orders of
`seed_demo --orders` written in bulk are the orders the services would have made (states,
lines, events, payments, hand-overs, refunds, stock and every ledger entry), every order's
money is in the ledger, a rerun adds nothing, and the most recent orders still go through the
services."""

import datetime as dt
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import SmsOutbox
from county_sites.ledger.models import LedgerEntry
from county_sites.ledger.selectors import ledger_daily_totals
from county_sites.orders.models import Order, OrderConfirmation, OrderHandover, RefundRequest
from county_sites.payments.models import Payment, Refund
from demo.fill import county_demo_fill
from demo.generate import county_demo_generate
from demo.orders import CLERK_SHARE, DAYS, county_demo_orders
from demo.zhejiang import COUNTIES
from farmers.models import Listing
from tests.orders.delivery_helpers import ledger_adds_up

DEQING = COUNTIES[0]
TODAY = dt.date(2026, 11, 28)
Kind = LedgerEntry.Kind
RECEIVED = (Kind.PAYMENT, Kind.CASH_COLLECTED)
ACCOUNTED = (Kind.SELLER_PAYABLE, Kind.COMMISSION, Kind.REFUND)


def _filled(county, sellers: int = 4) -> None:
    county_demo_fill(county=county, demo=county_demo_generate(DEQING, sellers=sellers), today=TODAY)


def _snapshot() -> dict:
    """Everything an order is, by its key, with nothing that differs between two counties
    (ids, random numbers and codes, the buyers' mobiles but their last digits)."""
    orders = {}
    for order in Order.objects.prefetch_related("lines", "events").select_related("buyer"):
        entries = LedgerEntry.objects.filter(order=order).order_by("created_at", "pk")
        orders[order.idempotency_key] = {
            "buyer": order.buyer.mobile[-4:],
            "state": order.state,
            "state_before_refund": order.state_before_refund,
            "assisted": order.entered_by_id is not None,
            "fulfilment": order.fulfilment,
            "payment_method": order.payment_method,
            "totals": (order.lines_total_fen, order.delivery_fee_fen, order.total_fen),
            "commission_bp": order.commission_bp,
            "times": (
                order.placed_at,
                order.buyer_confirmed_at,
                order.paid_at,
                order.cancelled_at,
                order.completed_at,
                order.stock_released_at,
            ),  # fmt: skip
            "lines": [
                (
                    line.title,
                    line.quantity,
                    line.line_total_fen,
                    line.commission_bp,
                    line.handed_over_at,
                )
                for line in order.lines.all()
            ],  # fmt: skip
            "events": [
                (event.from_state, event.to_state, event.actor_id is not None, event.note)
                for event in order.events.all()
            ],
            "ledger": [
                (
                    entry.kind,
                    entry.amount_fen,
                    entry.created_at,
                    entry.provider,
                    entry.service_point_id is not None,
                    entry.rate,
                    entry.base_fen,
                    bool(entry.receipt_key),
                    entry.memo,
                )
                for entry in entries
            ],  # fmt: skip
            "payment": [
                (payment.state, payment.amount_fen, payment.succeeded_at)
                for payment in Payment.objects.filter(order=order)
            ],
            "handovers": [
                (handover.cash_fen, handover.at)
                for handover in OrderHandover.objects.filter(order=order)
            ],
            "refunds": [
                (request.state, request.amount_fen, request.requested_at, request.decided_at)
                for request in RefundRequest.objects.filter(order=order)
            ],
            "refunds_paid": [
                (refund.provider, refund.amount_fen)
                for refund in Refund.objects.filter(order=order)
            ],
            "confirmations": [
                (c.method, c.created_at, c.expires_at, c.confirmed_at, c.closed_at)
                for c in OrderConfirmation.objects.filter(order=order)
            ],
        }
    stock = list(Listing.objects.order_by("pk").values_list("title", "stock"))
    return _to_the_second({"orders": orders, "stock": stock})


def _to_the_second(value):
    """The services run on the demo clock, which ticks a microsecond at every now(); the
    story's steps are whole minutes apart: the same moments, to the second."""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    if isinstance(value, dict):
        return {key: _to_the_second(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_to_the_second(item) for item in value)
    return value


def _per_order_ledger_check() -> None:
    """The services' ledger rules, order by order: what came in is split exactly into
    payables and commissions (and refunds), each receipt at one moment; a collected or
    delivered order's money is all in; a cancelled one booked nothing."""
    sums: dict[int, Counter] = defaultdict(Counter)
    for order_id, kind, total in LedgerEntry.objects.values_list("order_id", "kind").annotate(
        total=Sum("amount_fen")
    ):
        sums[order_id][kind] = total
    for order in Order.objects.all():
        money = sums[order.pk]
        received = sum(money[kind] for kind in RECEIVED)
        assert received == sum(money[kind] for kind in ACCOUNTED), order.idempotency_key
        if order.state in (Order.State.COLLECTED, Order.State.DELIVERED):
            assert received == order.total_fen
            assert money[Kind.REFUND] == 0
        if order.state == Order.State.REFUNDED:
            assert received == money[Kind.REFUND] == order.total_fen
            assert money[Kind.SELLER_PAYABLE] + money[Kind.COMMISSION] == 0
            assert money[Kind.POINT_COMMISSION] == 0  # clawed back
        if order.state == Order.State.CANCELLED:
            assert not money
        if order.state == Order.State.COLLECTED:
            assert money[Kind.POINT_COMMISSION] >= 0
    oldest = timezone.localdate() - dt.timedelta(days=DAYS + 2)
    days = ledger_daily_totals(since=oldest, until=timezone.localdate())
    assert days and all(day.difference == 0 for day in days)
    assert ledger_adds_up()


# ------------------------------------------------------------------------------
# The bulk history is what the services make
# ------------------------------------------------------------------------------
def test_history_written_in_bulk_is_what_the_services_make_of_the_same_plans(
    county, other_county, db
):
    now = timezone.now()
    made = {}
    for place, recent in ((county, 0), (other_county, 60)):
        with tenant_context(place):
            _filled(place)
            made[place.slug] = county_demo_orders(
                county=place,
                target=60,
                now=now,
                recent=recent,
                seed="deqing-1",  # a stream with cancels and a refund among 60
            )
            made[place.slug + ":snapshot"] = _snapshot()
            _per_order_ledger_check()
            if recent == 0:
                # Nothing through the services: no order texted anybody.
                assert not SmsOutbox.objects.exists()

    bulk, services = made[county.slug], made[other_county.slug]
    assert (bulk.orders_created, bulk.orders_refused) == (60, 0)
    assert (services.orders_created, services.orders_refused) == (60, 0)
    assert bulk.restocked == 0
    snapshot = made[county.slug + ":snapshot"]
    states = {order["state"] for order in snapshot["orders"].values()}
    # Every path of the story is compared: cancelled, delivered, collected, refunded, and
    # orders still on their way.
    assert {"cancelled", "delivered", "collected", "refunded"} < states
    assert snapshot == made[other_county.slug + ":snapshot"]


def test_a_bulk_county_has_every_state_the_story_makes_and_the_clerks_share(in_county):
    _filled(in_county)

    made = county_demo_orders(county=in_county, target=400, recent=0)

    assert (made.orders_created, made.orders_refused) == (400, 0)
    states = set(Order.objects.values_list("state", flat=True))
    finished = {"collected", "delivered", "cancelled", "refunded"}
    assert finished <= states
    assert states - finished  # some of the last days' orders still on their way
    entered = Order.objects.filter(entered_by__isnull=False).count()
    assert abs(entered / 400 - CLERK_SHARE) < 0.07
    assert OrderConfirmation.objects.filter(confirmed_at__isnull=False).count() == entered
    assert Order.objects.filter(fulfilment="delivery").exists()
    assert Order.objects.filter(payment_method="cash_on_pickup").exists()
    assert Payment.objects.filter(state="succeeded").count() == (
        Order.objects.filter(paid_at__isnull=False).count()
    )
    assert not Listing.objects.filter(stock__lt=0).exists()
    _per_order_ledger_check()


def test_a_rerun_adds_nothing_and_a_top_up_sends_the_newest_through_the_services(in_county):
    _filled(in_county, sellers=3)
    first = county_demo_orders(county=in_county, target=50, recent=0)
    counts = (
        Order.objects.count(),
        LedgerEntry.objects.count(),
        OrderHandover.objects.count(),
        list(Listing.objects.order_by("pk").values_list("stock", flat=True)),
    )

    again = county_demo_orders(county=in_county, target=50, recent=0)

    assert (first.orders_created, again.orders_created, again.orders_existing) == (50, 0, 50)
    assert (
        Order.objects.count(),
        LedgerEntry.objects.count(),
        OrderHandover.objects.count(),
        list(Listing.objects.order_by("pk").values_list("stock", flat=True)),
    ) == counts

    topped = county_demo_orders(county=in_county, target=60, recent=4)

    assert (topped.orders_created, topped.orders_existing) == (10, 50)
    assert Order.objects.count() == 60
    # The services text every order they place (or confirm); the bulk history none.
    texted = {
        order.idempotency_key
        for order in Order.objects.all()
        if SmsOutbox.objects.filter(text__contains=order.number).exists()
    }
    assert len(texted) == 4
    newest = (
        Order.objects.filter(idempotency_key__in=[f"demo-{n}" for n in range(50, 60)])
        .order_by("-placed_at", "-pk")
        .values_list("idempotency_key", flat=True)
    )
    assert texted == set(newest[:4])
    _per_order_ledger_check()


@pytest.mark.parametrize("target", [0, 3])
def test_few_orders_all_go_through_the_services(in_county, target):
    _filled(in_county, sellers=2)

    made = county_demo_orders(county=in_county, target=target)

    assert made.orders_created == Order.objects.count() == target
    assert SmsOutbox.objects.count() >= target


def test_seed_demo_refuses_a_job_count_out_of_range(db):
    with pytest.raises(CommandError, match="--jobs must be between 1 and 8"):
        call_command("seed_demo", "--jobs", "0")
