"""Months of orders in a demo county, as the orders services make them (seed_demo --orders).

Residents buy for pickup at a service point (cash there, or online) or for delivery in a
zone (online); a share of the orders is entered by a point's clerk for a villager of the point
and confirmed on the console's screen (county_sites.orders.services.assisted). Online orders
are paid as the bank's notify pays them (the payment recorded, then order_mark_paid). Then the
operator prepares and sends them, the point's clerk hands them over by their pickup code, a
few are cancelled before preparation and a few collected cash orders refunded. Each step runs
on the demo clock (demo.clock) at its own moment in the last DAYS days; a step that would fall
after now is not taken, so the latest orders are still on their way. The ledger adds up day
by day because every amount is booked by those services.

Each order's story is drawn first (OrderPlan). The newest RECENT_THROUGH_SERVICES of a run are
played through the services; the older ones, the bulk of months of history, are written by
demo.history from the same plans in a few INSERTs, booked by the ledger's own row builders
(a test plays the same plans both ways and compares every row).

Deterministic and topped up: order number i of the county is keyed `demo-<i>` and drawn from
random.Random("<slug>:<i>"), so a second run with the same target adds nothing and a larger
target adds only the orders missing.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.signal_handlers import disable_reference_index_auto_update

from accounts import services as accounts_services
from accounts.services import user_create_resident
from core.errors import ApplicationError
from county_sites.orders.models import DeliveryZone, Order
from county_sites.orders.services import (
    assisted_order_confirm,
    assisted_order_send,
    confirmation_screen_code,
    order_arrive,
    order_cancel,
    order_deliver,
    order_hand_over,
    order_mark_paid,
    order_place,
    order_prepare,
    refund_approve,
    refund_request_create,
)
from county_sites.orders.services.base import order_lock
from county_sites.payments.services import payment_open, payment_succeeded_record
from demo.clock import demo_clock
from demo.history import CANCEL_REASON, REFUND_REASON, demo_history_write
from farmers.models import Listing
from service_points.models import Clerk
from service_points.services import point_villager_add

DAYS = 120
KEY_PREFIX = "demo-"
# Shares of the orders (each drawn per order).
CLERK_SHARE = 0.25  # entered by a clerk for a villager
DELIVERY_SHARE = 0.3  # of residents' orders: delivered to the door (paid online)
CASH_SHARE = 0.45  # of pickup orders: cash at the point
CANCEL_SHARE = 0.04  # of cash orders: cancelled by the buyer before preparation
REFUND_SHARE = 0.05  # of collected cash orders: refunded (quality complaint)
BUYERS_PER_ORDERS = 8  # one resident for every this many orders (at least 10)
BUYER_MOBILE_PREFIX = "137"
# The most recent orders of a run go through the services one by one (demo.history writes
# the older ones in bulk): enough for a few days of orders still on their way.
RECENT_THROUGH_SERVICES = 100


@dataclass
class DemoOrdersResult:
    buyers_created: int = 0
    orders_created: int = 0
    orders_existing: int = 0
    # Refused by order_place (a listing sold out): tried again by the next run.
    orders_refused: int = 0
    # Listings restocked by their sellers while the history was written (demo.history).
    restocked: int = 0


def demo_buyer_mobile(code: str, number: int) -> str:
    return f"{BUYER_MOBILE_PREFIX}{code[-4:]}{number:04d}"


def county_demo_orders(
    *,
    county,
    target: int,
    tick: Callable[[int, int], None] | None = None,
    now: dt.datetime | None = None,
    recent: int = RECENT_THROUGH_SERVICES,
    seed: str | None = None,
) -> DemoOrdersResult:
    """Top the county's demo orders up to `target`; call inside the county's schema after
    demo.fill has made its points, clerks, zones and listings.

    The `recent` most recently placed of the missing orders go through the orders services,
    one at a time, so the console and the lists show orders on their way as the services
    leave them; the older ones, long finished or nearly, are written in bulk by
    demo.history (the same plans, rows and ledger entries, far fewer queries). `seed`
    names the random streams (default: the county's slug; a test gives two counties one)."""
    result = DemoOrdersResult()
    existing = set(
        Order.objects.filter(idempotency_key__startswith=KEY_PREFIX).values_list(
            "idempotency_key", flat=True
        )
    )
    result.orders_existing = len(existing)
    missing = [n for n in range(target) if f"{KEY_PREFIX}{n}" not in existing]
    if not missing:
        return result
    now = now or timezone.now()
    operator = get_user_model().objects.get(username="operator")
    clerks = list(
        Clerk.objects.filter(is_active=True, point__is_active=True)
        .select_related("user", "point")
        .order_by("point_id")
    )
    zones = list(DeliveryZone.objects.filter(is_active=True).order_by("pk"))
    listings = list(
        Listing.objects.filter(state=Listing.State.APPROVED)
        .order_by("pk")
        .values_list("pk", "min_order_qty")
    )
    if not clerks or not listings:
        return result
    buyers = _buyers_ensure(county, count=max(10, target // BUYERS_PER_ORDERS), result=result)
    # Each buyer is a villager of one point (by number), so the clerk there may order for them.
    home_clerk = {buyer.pk: clerks[index % len(clerks)] for index, buyer in enumerate(buyers)}
    _villagers_ensure(buyers, home_clerk)
    # Who hands a point's parcels over: its first active clerk.
    point_clerks = {
        point_id: Clerk.objects.select_related("user")
        .filter(point=point_id, is_active=True)
        .first()
        for point_id in {clerk.point_id for clerk in clerks}
    }
    context = _Context(
        operator=operator, clerks=home_clerk, zones=zones, listings=listings,
        point_clerks=point_clerks,
    )  # fmt: skip
    plans = [
        order_plan(
            random.Random(f"{seed or county.slug}:{number}"),  # noqa: S311 - demo data
            number,
            buyers=buyers,
            context=context,
            now=now,
        )
        for number in missing
    ]
    by_time = sorted(plans, key=_plan_order)
    split = max(0, len(by_time) - recent)
    history, live_numbers = by_time[:split], {plan.number for plan in by_time[split:]}
    done = 0

    def progress(count: int) -> None:
        nonlocal done
        done += count
        if tick is not None:
            tick(done, len(missing))

    # The ledger's and the storefront's own bookkeeping of what changed (Wagtail's reference
    # index of every saved row) has nothing to find in orders and ledger rows: skipped.
    with disable_reference_index_auto_update():
        if history:
            written = demo_history_write(history, context=context, now=now, tick=progress)
            result.orders_created += written.created
            result.orders_refused += written.refused
            result.restocked += written.restocked
        # History, not news: the outbox keeps the texts these orders sent, nobody is texted.
        with mock.patch.object(accounts_services, "_sms_deliver_queue", _no_delivery):
            for plan in plans:
                if plan.number not in live_numbers:
                    continue
                try:
                    _order_story(plan, context=context, now=now)
                    result.orders_created += 1
                except ApplicationError:
                    result.orders_refused += 1
                progress(1)
    return result


def _plan_order(plan: "OrderPlan") -> tuple:
    return (plan.at, plan.number)


def _no_delivery(**_kwargs) -> None:
    pass


@dataclass
class _Context:
    operator: object
    clerks: dict  # buyer pk -> their home point's clerk
    zones: list
    listings: list  # [(pk, min_order_qty)] of the approved listings
    point_clerks: dict = field(default_factory=dict)  # point pk -> the clerk who hands over


def _buyers_ensure(county, *, count: int, result: DemoOrdersResult) -> list:
    mobiles = [demo_buyer_mobile(county.code, number) for number in range(1, count + 1)]
    users = get_user_model().objects.filter(mobile__in=mobiles)
    found = {user.mobile: user for user in users}
    buyers = []
    for mobile in mobiles:
        if mobile not in found:
            with transaction.atomic():
                found[mobile] = user_create_resident(mobile=mobile)
            result.buyers_created += 1
        buyers.append(found[mobile])
    return buyers


def _villagers_ensure(buyers, home_clerk) -> None:
    for buyer in buyers:
        point_villager_add(clerk_user=home_clerk[buyer.pk].user, user=buyer)


def _placed_at(rng: random.Random, now: dt.datetime) -> dt.datetime:
    day = timezone.localtime(now).date() - dt.timedelta(days=rng.randrange(DAYS))
    at = dt.datetime.combine(day, dt.time(rng.randint(8, 20), rng.randrange(60)))
    # Today's orders were placed before now (an hour leaves room for the confirmation).
    return min(timezone.make_aware(at), now - dt.timedelta(hours=1))


@dataclass
class OrderPlan:
    """One demo order's story, drawn before any of it happens: who, what, how, and how long
    each step waits after the last (a step that would fall after now is not taken). The
    same plan is played through the services (_order_story) or written in bulk
    (demo.history); the draws come in the order the story used to make them, so the orders
    are the ones earlier releases made."""

    number: int
    key: str
    buyer: object
    clerk: object  # the buyer's home point's clerk (the one who enters for them)
    lines: list  # [(listing pk, quantity)]
    at: dt.datetime
    assisted: bool
    delivery: bool
    cash: bool
    zone: object = None
    address: str = ""
    point: object = None  # a resident's pickup point (an assisted order's is the clerk's)
    cancel: bool = False
    cancel_after: int = 0  # minutes
    pay_after: int = 0  # minutes
    prepare_after: int = 0  # hours, and so on
    deliver_after: int = 0
    arrive_after: int = 0
    hand_over_after: int = 0
    refund: bool = False
    refund_after: int = 0
    approve_after: int = 0

    @property
    def payment_method(self) -> str:
        if self.cash:
            return Order.PaymentMethod.CASH_ON_PICKUP
        return Order.PaymentMethod.BANK_GATEWAY

    @property
    def pickup_point(self):
        return self.clerk.point if self.assisted else self.point


def order_plan(rng: random.Random, number: int, *, buyers, context, now) -> OrderPlan:
    buyer = rng.choice(buyers)
    clerk = context.clerks[buyer.pk]
    chosen = rng.sample(context.listings, min(len(context.listings), rng.randint(1, 3)))
    lines = [(pk, max(minimum, rng.randint(1, 3))) for pk, minimum in chosen]
    at = _placed_at(rng, now)
    assisted = rng.random() < CLERK_SHARE
    delivery = bool(not assisted and context.zones and rng.random() < DELIVERY_SHARE)
    cash = not delivery and rng.random() < CASH_SHARE
    plan = OrderPlan(
        number=number, key=f"{KEY_PREFIX}{number}", buyer=buyer, clerk=clerk, lines=lines,
        at=at, assisted=assisted, delivery=delivery, cash=cash,
    )  # fmt: skip
    if delivery:
        plan.zone = rng.choice(context.zones)
        plan.address = f"{clerk.point.village}{rng.randint(1, 99)} 号"
    elif not assisted:
        plan.point = rng.choice(list(context.clerks.values())).point
    if cash and rng.random() < CANCEL_SHARE:
        plan.cancel, plan.cancel_after = True, rng.randint(10, 300)
        return plan
    if not cash:
        plan.pay_after = rng.randint(1, 20)
    plan.prepare_after = rng.randint(12, 30)
    if delivery:
        plan.deliver_after = rng.randint(20, 48)
        return plan
    plan.arrive_after = rng.randint(20, 40)
    plan.hand_over_after = rng.randint(2, 72)
    if cash and rng.random() < REFUND_SHARE:
        plan.refund = True
        plan.refund_after = rng.randint(4, 48)
        plan.approve_after = rng.randint(2, 24)
    return plan


def _order_story(plan: OrderPlan, *, context: _Context, now: dt.datetime) -> None:
    buyer, clerk = plan.buyer, plan.clerk
    steps = _Steps(at=plan.at, now=now)
    with demo_clock(plan.at) as clock:
        if plan.assisted:
            order = assisted_order_send(
                clerk_user=clerk.user, villager=buyer, lines=plan.lines,
                payment_method=plan.payment_method, method="screen",
                idempotency_key=plan.key,
            )  # fmt: skip
            code = confirmation_screen_code(order.confirmations.order_by("-pk").first())
            clock.set(steps.after(minutes=2))
            order = assisted_order_confirm(
                clerk_user=clerk.user, order=order, code=code, order_url="/orders/"
            )
        elif plan.delivery:
            order = order_place(
                buyer=buyer, lines=plan.lines, fulfilment=Order.Fulfilment.DELIVERY,
                payment_method=plan.payment_method, idempotency_key=plan.key,
                delivery_zone=plan.zone, delivery_address=plan.address,
            )  # fmt: skip
        else:
            order = order_place(
                buyer=buyer, lines=plan.lines, fulfilment=Order.Fulfilment.PICKUP,
                payment_method=plan.payment_method, idempotency_key=plan.key,
                service_point=plan.point,
            )  # fmt: skip
        if plan.cancel:
            if steps.reach(clock, minutes=plan.cancel_after):
                order_cancel(order=order, actor=buyer, reason=CANCEL_REASON)
            return
        if not plan.cash:
            if not steps.reach(clock, minutes=plan.pay_after):
                return
            _pay(order)
        if not steps.reach(clock, hours=plan.prepare_after):
            return
        order_prepare(order=order, actor=context.operator)
        if plan.delivery:
            if steps.reach(clock, hours=plan.deliver_after):
                order_deliver(order=order, actor=context.operator)
            return
        if not steps.reach(clock, hours=plan.arrive_after):
            return
        order_arrive(order=order, actor=context.operator)
        if not steps.reach(clock, hours=plan.hand_over_after):
            return
        order.refresh_from_db()
        point_clerk = context.point_clerks[order.service_point_id]
        order_hand_over(clerk_user=point_clerk.user, order=order, pickup_code=order.pickup_code)
        if plan.refund and steps.reach(clock, hours=plan.refund_after):
            request = refund_request_create(buyer=buyer, order=order, reason=REFUND_REASON)
            if steps.reach(clock, hours=plan.approve_after):
                refund_approve(actor=context.operator, refund_request=request)


def _pay(order: Order) -> None:
    """What the bank's notify does once the villager has paid (orders.services.paying)."""
    with transaction.atomic():
        order = order_lock(order)
        payment_open(order=order)
        payment_succeeded_record(order=order, trade_no=f"DEMO{order.number}")
        order_mark_paid(order=order)


class _Steps:
    """The moments of one order's story, each after the last; none after `now`."""

    def __init__(self, *, at: dt.datetime, now: dt.datetime):
        self.at, self.now = at, now

    def after(self, **delta) -> dt.datetime:
        self.at += dt.timedelta(**delta)
        return self.at

    def reach(self, clock, **delta) -> bool:
        at = self.after(**delta)
        if at >= self.now:
            return False
        clock.set(at)
        return True
