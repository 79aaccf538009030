"""Months of orders in a demo county, through the orders services (seed_demo --orders).

Residents buy for pickup at a service point (cash there, or online) or for delivery in a
zone (online); a share of the orders is entered by a point's clerk for a villager of the point
and confirmed on the console's screen (county_sites.orders.services.assisted). Online orders
are paid as the bank's notify pays them (the payment recorded, then order_mark_paid). Then the
operator prepares and sends them, the point's clerk hands them over by their pickup code, a
few are cancelled before preparation and a few collected cash orders refunded. Each step runs
on the demo clock (demo.clock) at its own moment in the last DAYS days; a step that would fall
after now is not taken, so the latest orders are still on their way. The ledger adds up day
by day because every amount is booked by those services.

Deterministic and topped up: order number i of the county is keyed `demo-<i>` and drawn from
random.Random("<slug>:<i>"), so a second run with the same target adds nothing and a larger
target adds only the orders missing.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

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


@dataclass
class DemoOrdersResult:
    buyers_created: int = 0
    orders_created: int = 0
    orders_existing: int = 0
    # Refused by order_place (a listing sold out): tried again by the next run.
    orders_refused: int = 0


def demo_buyer_mobile(code: str, number: int) -> str:
    return f"{BUYER_MOBILE_PREFIX}{code[-4:]}{number:04d}"


def county_demo_orders(
    *,
    county,
    target: int,
    tick: Callable[[int, int], None] | None = None,
    now: dt.datetime | None = None,
) -> DemoOrdersResult:
    """Top the county's demo orders up to `target`; call inside the county's schema after
    demo.fill has made its points, clerks, zones and listings."""
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
    context = _Context(operator=operator, clerks=home_clerk, zones=zones, listings=listings)
    # History, not news: the outbox keeps the texts these orders sent, nobody is texted now.
    with mock.patch.object(accounts_services, "_sms_deliver_queue", _no_delivery):
        for done, number in enumerate(missing, start=1):
            rng = random.Random(f"{county.slug}:{number}")  # noqa: S311 - demo data
            try:
                _order_story(rng, number, buyer=rng.choice(buyers), context=context, now=now)
                result.orders_created += 1
            except ApplicationError:
                result.orders_refused += 1
            if tick is not None:
                tick(done, len(missing))
    return result


def _no_delivery(**_kwargs) -> None:
    pass


@dataclass
class _Context:
    operator: object
    clerks: dict
    zones: list
    listings: list


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


def _order_story(rng, number: int, *, buyer, context: _Context, now: dt.datetime) -> None:
    clerk = context.clerks[buyer.pk]
    chosen = rng.sample(context.listings, min(len(context.listings), rng.randint(1, 3)))
    lines = [(pk, max(minimum, rng.randint(1, 3))) for pk, minimum in chosen]
    key = f"{KEY_PREFIX}{number}"
    at = _placed_at(rng, now)
    assisted = rng.random() < CLERK_SHARE
    delivery = not assisted and context.zones and rng.random() < DELIVERY_SHARE
    cash = not delivery and rng.random() < CASH_SHARE
    payment = Order.PaymentMethod.CASH_ON_PICKUP if cash else Order.PaymentMethod.BANK_GATEWAY
    steps = _Steps(at=at, now=now)
    with demo_clock(at) as clock:
        if assisted:
            order = assisted_order_send(
                clerk_user=clerk.user, villager=buyer, lines=lines, payment_method=payment,
                method="screen", idempotency_key=key,
            )  # fmt: skip
            code = confirmation_screen_code(order.confirmations.order_by("-pk").first())
            clock.set(steps.after(minutes=2))
            order = assisted_order_confirm(
                clerk_user=clerk.user, order=order, code=code, order_url="/orders/"
            )
        elif delivery:
            order = order_place(
                buyer=buyer, lines=lines, fulfilment=Order.Fulfilment.DELIVERY,
                payment_method=payment, idempotency_key=key,
                delivery_zone=rng.choice(context.zones),
                delivery_address=f"{clerk.point.village}{rng.randint(1, 99)} 号",
            )  # fmt: skip
        else:
            order = order_place(
                buyer=buyer, lines=lines, fulfilment=Order.Fulfilment.PICKUP,
                payment_method=payment, idempotency_key=key,
                service_point=rng.choice(list(context.clerks.values())).point,
            )  # fmt: skip
        if cash and rng.random() < CANCEL_SHARE:
            if steps.reach(clock, minutes=rng.randint(10, 300)):
                order_cancel(order=order, actor=buyer, reason="买错了")
            return
        if not cash:
            if not steps.reach(clock, minutes=rng.randint(1, 20)):
                return
            _pay(order)
        if not steps.reach(clock, hours=rng.randint(12, 30)):
            return
        order_prepare(order=order, actor=context.operator)
        if delivery:
            if steps.reach(clock, hours=rng.randint(20, 48)):
                order_deliver(order=order, actor=context.operator)
            return
        if not steps.reach(clock, hours=rng.randint(20, 40)):
            return
        order_arrive(order=order, actor=context.operator)
        if not steps.reach(clock, hours=rng.randint(2, 72)):
            return
        order.refresh_from_db()
        point_clerk = (
            Clerk.objects.select_related("user")
            .filter(point=order.service_point_id, is_active=True)
            .first()
        )
        order_hand_over(clerk_user=point_clerk.user, order=order, pickup_code=order.pickup_code)
        if cash and rng.random() < REFUND_SHARE and steps.reach(clock, hours=rng.randint(4, 48)):
            request = refund_request_create(buyer=buyer, order=order, reason="有几个坏了")
            if steps.reach(clock, hours=rng.randint(2, 24)):
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
