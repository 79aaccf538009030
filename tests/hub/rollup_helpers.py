"""The roll-up tests' county: two months of orders (paid online and in cash, cancelled,
refunded, entered by a clerk, handed over at two points), till closes with a difference,
sellers of each kind and residents, built through the services at a moving clock; a run of
the roll-up done in-process; and every figure recounted directly, in Python, from the rows."""

import datetime as dt
import uuid
import zoneinfo
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import tenant_context

from county_sites.ledger.models import LedgerEntry
from county_sites.ledger.selectors import till_expected
from county_sites.ledger.till import till_close
from county_sites.orders.models import Order, OrderHandover, OrderLine
from county_sites.orders.services import (
    assisted_order_send,
    order_arrive,
    order_cancel,
    order_collect,
    order_hand_over,
    order_prepare,
)
from farmers.models import Seller
from hub.models import RollUpRun
from hub.rollups import month_current, month_previous
from hub.services.rollups import rollup_run_request, rollup_run_start
from hub.tasks import rollup_county
from service_points.models import ServicePoint
from service_points.services import clerk_add, point_villager_add
from tests.factories.farmers import ListingFactory, SellerFactory, category
from tests.factories.orders import DeliveryZoneFactory, ResidentFactory
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.orders import place
from tests.ledger.till_helpers import paid_at_the_bank, refunded

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


def months() -> tuple[dt.date, dt.date]:
    """The two months of the scenario: the one before last and last month, both over."""
    last = month_previous(month_current())
    return month_previous(last), last


def local(month: dt.date, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(month.year, month.month, day, hour, minute, tzinfo=ZONE)


def last_day(month: dt.date) -> int:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (following - dt.timedelta(days=1)).day


class Clock:
    """timezone.now() at a chosen moment (every service asks timezone.now())."""

    def __init__(self, monkeypatch):
        self.real = timezone.now
        self.at = None
        monkeypatch.setattr(timezone, "now", lambda: self.at or self.real())

    def set(self, at: dt.datetime):
        self.at = at

    def reset(self):
        """Back to the real time."""
        self.at = None


def _handed_over_by_clerk(order, *, operator, clerk_user):
    order_prepare(order=order, actor=operator)
    order_arrive(order=order, actor=operator)
    order.refresh_from_db()
    return order_hand_over(clerk_user=clerk_user, order=order, pickup_code=order.pickup_code)


def _collected_by_operator(order, *, operator):
    order_prepare(order=order, actor=operator)
    order_arrive(order=order, actor=operator)
    order.refresh_from_db()
    return order_collect(order=order, actor=operator, pickup_code=order.pickup_code)


def build_county(clock: Clock, *, tag: str, scale: int = 1) -> dict:
    """The scenario in the current county schema; `tag` keeps mobiles apart between counties,
    `scale` multiplies the prices so two counties' figures differ."""
    first, second = months()
    clock.set(local(first, 3, 9))
    operator = get_user_model().objects.get(username="operator")
    point_p = ServicePointFactory(name=f"递铺服务点{tag}", village="递铺村")
    point_q = ServicePointFactory(name=f"梅溪服务点{tag}", village="梅溪村")
    # A second point in 递铺村: villages with a point count the village once.
    ServicePointFactory(name=f"递铺二号点{tag}", village="递铺村")
    clerk_p = clerk_add(actor=operator, mobile=f"1370{tag}000555", name="王芳", point=point_p)
    clerk_q = clerk_add(actor=operator, mobile=f"1370{tag}000666", name="李强", point=point_q)
    farmer = SellerFactory(name=f"茶农{tag}", kind=Seller.Kind.FARMER)
    coop = SellerFactory(name=f"米合作社{tag}", kind=Seller.Kind.COOPERATIVE)
    merchant = SellerFactory(name=f"小卖部{tag}", kind=Seller.Kind.MERCHANT)
    SellerFactory(name=f"没卖出的农户{tag}", kind=Seller.Kind.FARMER)
    tea = ListingFactory(seller=farmer, title="白茶", price_fen=12_800 * scale, stock=100,
                         category=category("tea"), approved=True)  # fmt: skip
    rice = ListingFactory(seller=coop, title="大米", price_fen=650 * scale, stock=100,
                          category=category("grain-oil"), approved=True)  # fmt: skip
    soap = ListingFactory(seller=merchant, title="肥皂", price_fen=990 * scale, stock=100,
                          category=category("daily-goods"), approved=True)  # fmt: skip
    zone = DeliveryZoneFactory(name=f"城区{tag}", fee_fen=800)
    buyer_1 = ResidentFactory(username=f"rollup-buyer-1-{tag}", mobile=f"1371{tag}000001")
    buyer_2 = ResidentFactory(username=f"rollup-buyer-2-{tag}", mobile=f"1371{tag}000002")
    buyer_3 = ResidentFactory(username=f"rollup-buyer-3-{tag}", mobile=f"1371{tag}000003")
    point_villager_add(clerk_user=clerk_p.user, user=buyer_3)

    # The first month.
    clock.set(local(first, 10, 10))
    cash = place(buyer_1, [(tea, 1), (soap, 2)], point=point_p, payment="cash_on_pickup")
    _handed_over_by_clerk(cash, operator=operator, clerk_user=clerk_p.user)
    online = place(buyer_2, [(rice, 3)], point=point_p, payment="bank_gateway")
    paid_at_the_bank(online)
    _handed_over_by_clerk(online, operator=operator, clerk_user=clerk_p.user)
    delivered = place(buyer_1, [(soap, 1), (rice, 1)], zone=zone, payment="bank_gateway")
    paid_at_the_bank(delivered)
    cancelled = place(buyer_3, [(tea, 2)], point=point_p, payment="cash_on_pickup")
    order_cancel(order=cancelled, actor=buyer_3)
    assisted_order_send(
        clerk_user=clerk_p.user, villager=buyer_3, lines=[(rice, 1)],
        payment_method="cash_on_pickup", method="screen", idempotency_key=uuid.uuid4().hex,
    )  # fmt: skip
    clock.set(local(first, 10, 21))
    # The clerk counts 1 yuan short.
    till_close(actor=clerk_p.user, point=point_p,
               counted_fen=till_expected(point=point_p) - 100)  # fmt: skip
    # 23:30 local on the month's last day (15:30 UTC): still the first month.
    clock.set(local(first, last_day(first), 23, 30))
    late = place(buyer_2, [(tea, 1)], point=point_q, payment="cash_on_pickup")

    # The second month.
    clock.set(local(second, 1, 0, 10))
    order_cancel(order=late, actor=buyer_2)  # cancelled in the second month
    clock.set(local(second, 5, 10))
    ResidentFactory(username=f"rollup-buyer-4-{tag}", mobile=f"1371{tag}000004")
    at_q = place(buyer_1, [(rice, 2)], point=point_q, payment="cash_on_pickup")
    _collected_by_operator(at_q, operator=operator)
    online.refresh_from_db()
    refunded(operator=operator, order=online)  # refunded in the second month
    clock.set(local(second, 5, 20))
    till_close(actor=clerk_q.user, point=point_q, counted_fen=till_expected(point=point_q) + 50)
    till_close(actor=clerk_p.user, point=point_p, counted_fen=till_expected(point=point_p))
    clock.reset()
    return {
        "point_p": point_p, "point_q": point_q, "late": late, "tea": tea, "buyer": buyer_1,
    }  # fmt: skip


def run_rollup(**options) -> RollUpRun:
    """A run as the tasks do it, in-process: requested, started, each county's part in its
    own schema."""
    run = rollup_run_request(**options)
    for county in rollup_run_start(run_id=run.pk):
        with tenant_context(county):
            rollup_county(run.pk, county.pk)
    run.refresh_from_db()
    return run


# ------------------------------------------------------------------------------
# The direct recount
# ------------------------------------------------------------------------------
def _month(moment) -> dt.date | None:
    return moment.astimezone(ZONE).date().replace(day=1) if moment else None


def recount(months_: list[dt.date]) -> tuple[dict, dict]:
    """Every figure of every month, counted in Python from the rows of the current county:
    (county figures by month, point figures by (point id, month))."""
    joined = get_user_model().objects.values_list("date_joined", flat=True)
    users = [_month(at) for at in joined]
    orders = list(
        Order.objects.values_list(
            "placed_at", "cancelled_at", "entered_by_id", "buyer_id", "service_point_id"
        )
    )
    lines = list(OrderLine.objects.values_list("order__placed_at", "seller_id", "seller__kind"))
    handovers = list(OrderHandover.objects.values_list("at", "order__service_point_id"))
    sellers = list(Seller.objects.values_list("created_at", "kind"))
    points = list(ServicePoint.objects.values_list("pk", "created_at", "village"))
    entries = list(
        LedgerEntry.objects.values_list(
            "created_at", "kind", "amount_fen", "service_point_id", "seller__kind",
            "order_line_id", "order_line__listing__category__slug",
            "order_line__listing__category__parent__slug",
        )
    )  # fmt: skip
    county: dict = {}
    per_point: dict = defaultdict(dict)
    for month in months_:
        placed = [o for o in orders if _month(o[0]) == month]
        month_lines = [line for line in lines if _month(line[0]) == month]
        month_handovers = [h for h in handovers if _month(h[0]) == month]
        month_entries = [e for e in entries if _month(e[0]) == month]

        def total(kind, rows=month_entries):
            return sum(e[2] for e in rows if e[1] == kind)

        active_points = {o[4] for o in placed if o[4]} | {h[1] for h in month_handovers if h[1]}
        sales = total("payment") + total("cash_collected")
        figures = {
            "users_total": sum(1 for m in users if m <= month),
            "users_new": sum(1 for m in users if m == month),
            "orders_placed": len(placed),
            "orders_cancelled": sum(1 for o in orders if _month(o[1]) == month),
            "orders_clerk_entered": sum(1 for o in placed if o[2]),
            "active_buyers": len({o[3] for o in placed}),
            "active_sellers": len({line[1] for line in month_lines}),
            "handovers": len(month_handovers),
            "active_points": len(active_points),
            "sellers_total": sum(1 for s in sellers if _month(s[0]) <= month),
            "points_total": sum(1 for p in points if _month(p[1]) <= month),
            "villages_with_point": len({p[2] for p in points if _month(p[1]) <= month}),
            "sales_fen": sales,
            "refunds_fen": total("refund"),
            "refunds_count": sum(1 for e in month_entries if e[1] == "refund"),
            "net_sales_fen": sales - total("refund"),
            "produce_sales_fen": sum(
                e[2]
                for e in month_entries
                if e[1] in ("seller_payable", "commission")
                and e[5]
                and "daily-goods" not in (e[6], e[7])
            ),  # fmt: skip
            "commission_fen": total("commission"),
            "seller_income_fen": total("seller_payable"),
            "farmer_income_fen": sum(
                e[2]
                for e in month_entries
                if e[1] == "seller_payable" and e[4] in ("farmer", "cooperative")
            ),  # fmt: skip
            "cash_collected_fen": total("cash_collected"),
            "point_commission_fen": total("point_commission"),
            "till_difference_fen": total("till_difference"),
            "till_closes_off": sum(
                1 for e in month_entries if e[1] == "till_difference" and e[2] != 0
            ),
        }
        for kind in Seller.Kind.values:
            figures[f"active_sellers_{kind}"] = len({ln[1] for ln in month_lines if ln[2] == kind})
            figures[f"sellers_{kind}"] = sum(
                1 for s in sellers if _month(s[0]) <= month and s[1] == kind
            )
        county[month] = figures
        for point_id, created, _village in points:
            if _month(created) > month:
                continue
            mine = [e for e in month_entries if e[3] == point_id]
            per_point[(point_id, month)] = {
                "orders_placed": sum(1 for o in placed if o[4] == point_id),
                "orders_clerk_entered": sum(1 for o in placed if o[4] == point_id and o[2]),
                "handovers": sum(1 for h in month_handovers if h[1] == point_id),
                "cash_collected_fen": total("cash_collected", mine),
                "point_commission_fen": total("point_commission", mine),
                "till_difference_fen": total("till_difference", mine),
                "till_closes_off": sum(1 for e in mine if e[1] == "till_difference" and e[2] != 0),
            }
    return county, dict(per_point)
