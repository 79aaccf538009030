"""The clerk's console pages at a quiet point and a busy one: server time, query count and bytes.

One county in its own database (`fengshou_clerk_bench`, dropped at the end unless --keep) with
two service points: "quiet" with 10 pickup orders, "busy" with 500, in the states a clerk's day
holds (on their way, waiting on the shelf, waiting for the buyer's confirmation, handed over).
Each console page is requested in-process through Django's test client, as the point's clerk,
signed in: the full middleware stack (county by host, sessions, CSRF, locale) and the view,
not the network. For each page and point it prints

- the median and p95 server time over --rounds requests (after 3 warm-up requests),
- the number of SQL queries of one request,
- the bytes of the HTML, uncompressed and gzip-compressed (the console loads no product photo
  larger than a thumbnail; thumbnails are not counted, as the issue asks),

then checks the targets of issue 9: the query count the same at 10 and 500 orders, the median
≤ 30 ms, each page ≤ 100 KB. It exits 1 if a target is missed, so it can run in CI.

    .venv/bin/python -m bench.clerk [--rounds 30] [--keep]
"""

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.utils import timezone

from bench.harness import database_create, database_drop, say

BENCH_DB = "fengshou_clerk_bench"
BENCH_ENV = {
    # Forced, not defaulted: this script must never touch the dev or test databases.
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
    "REDIS_URL": "redis://127.0.0.1:6379/13",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13",
    "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/13",
    "DEBUG": "0",
    "LOG_LEVEL": "WARNING",
    "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "fengshou_clerk_bench_media"),
}
os.environ.update(BENCH_ENV)
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_storefront"

COUNTY_SLUG = "clerkbench"
HOST = "clerkbench.localhost"
SIZES = {"quiet": 10, "busy": 500}
TARGET_MEDIAN_MS = 30.0
TARGET_BYTES = 100 * 1024


def _orders(*, point, buyers, listings, operator, clerk_user, count: int) -> None:
    """`count` pickup orders at `point`, spread over a clerk's day."""
    from county_sites.orders.services import (
        assisted_order_send,
        order_arrive,
        order_hand_over,
        order_place,
        order_prepare,
    )

    for n in range(count):
        kind = ("incoming", "waiting", "collected", "awaiting", "incoming")[n % 5]
        buyer = buyers[n % len(buyers)]
        lines = [(listings[(n + k) % len(listings)], 1 + k) for k in range(3)]
        if kind == "awaiting":  # entered by the clerk, the villager to confirm on the screen
            assisted_order_send(
                clerk_user=clerk_user,
                villager=buyer,
                lines=lines,
                payment_method="cash_on_pickup",
                method="screen",
                idempotency_key=uuid.uuid4().hex,
            )
            continue
        order = order_place(
            buyer=buyer,
            lines=lines,
            fulfilment="pickup",
            service_point=point,
            payment_method="cash_on_pickup",
            idempotency_key=uuid.uuid4().hex,
        )
        if kind in ("waiting", "collected"):
            order_prepare(order=order, actor=operator)
            order_arrive(order=order, actor=operator)
        if kind == "collected":  # cash into the till, a commission accrued
            order_hand_over(clerk_user=clerk_user, order=order, pickup_code=order.pickup_code)


def _delivery(*, point, operator, parcels: int):
    """Today's delivery to `point`, dispatched, with `parcels` of the orders on their way
    (a village point's day: the quiet point 2, the busy one 40)."""
    from county_sites.orders.models import PointDelivery
    from county_sites.orders.services import (
        order_prepare,
        point_delivery_create,
        point_delivery_dispatch,
    )

    delivery = PointDelivery.objects.filter(point=point).first()
    if delivery is not None:
        return delivery
    for order in point.orders.filter(state="placed", entered_by__isnull=True)[:parcels]:
        order_prepare(order=order, actor=operator)
    delivery = point_delivery_create(
        actor=operator,
        point=point,
        day=timezone.localdate(),
        collection_place="县供销社仓库",
    )
    return point_delivery_dispatch(actor=operator, delivery=delivery)


def seed() -> dict:
    """The county, 60 listings, two points with a clerk each and their orders. Returns, per
    point, the clerk user and example orders."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import tenant_context

    from farmers.models import Listing, Seller
    from hub.models import Category, County
    from hub.services import county_create
    from service_points.models import ServicePoint
    from service_points.services import clerk_add, point_villager_add

    say("migrate_schemas --shared")
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    county = County.objects.filter(slug=COUNTY_SLUG).first()
    if county is None:
        say("creating the county (template schema first: all migrations, about 20 s)")
        county = county_create(code="339903", slug=COUNTY_SLUG, name="店员基准县").county
    category = Category.objects.filter(parent=None).order_by("sort_order").first()
    points = {}
    with tenant_context(county):
        operator = get_user_model().objects.get(username="operator")
        if not Listing.objects.exists():
            say("seeding sellers and 60 approved listings")
            sellers = [
                Seller.objects.create(
                    name=f"农户{n}",
                    mobile=f"1390000{n:04d}",
                    village=f"第{n}村",
                    consented_at=timezone.now(),
                    consent_method=Seller.ConsentMethod.SELF_ON_PHONE,
                )
                for n in range(6)
            ]
            Listing.objects.bulk_create(
                Listing(
                    seller=sellers[n % 6],
                    title=f"高山笋干{n}号",
                    description="本地农户直供。",
                    category=category,
                    price_fen=500 + n * 37,
                    stock=100_000,
                    origin_village="递铺村",
                    state=Listing.State.APPROVED,
                )
                for n in range(60)
            )
        listings = list(Listing.objects.order_by("pk"))
        for index, (name, count) in enumerate(SIZES.items()):
            point, _created = ServicePoint.objects.get_or_create(
                name=f"{name}服务点",
                defaults={"village": f"{name}村", "address": f"{name}村口"},
            )
            clerk = point.clerks.first() or clerk_add(
                actor=operator, mobile=f"1370099{index:04d}", point=point
            )
            buyers = [
                get_user_model().objects.get_or_create(
                    username=f"{name}-buyer-{n}", defaults={"mobile": f"136{index}{n:07d}"}
                )[0]
                for n in range(20)
            ]
            for buyer in buyers:
                point_villager_add(clerk_user=clerk.user, user=buyer)
            # A kept database (--keep) already has them.
            placed = point.orders.count()
            say(f"placing {count - placed} orders at the {name} point")
            _orders(
                point=point,
                buyers=buyers,
                listings=listings,
                operator=operator,
                clerk_user=clerk.user,
                count=count - placed,
            )
            delivery = _delivery(point=point, operator=operator, parcels=2 if count <= 10 else 40)
            examples = {
                "waiting": point.orders.filter(state="at_service_point").first(),
                "villager": buyers[0],
                "delivery": delivery,
                "awaiting": point.orders.filter(
                    state="placed", entered_by__isnull=False, buyer_confirmed_at__isnull=True
                ).first(),
            }
            points[name] = {"clerk": clerk.user, "point": point, "examples": examples}
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    points["county"] = county
    return points


def pages(point_data: dict) -> list[tuple[str, str]]:
    """(name, path) of every console page a clerk opens in a day, for one point."""
    examples = point_data["examples"]
    waiting = examples.get("waiting")
    return [
        ("home", "/clerk/"),
        ("waiting, page 1", "/clerk/list/waiting/"),
        ("on the way, page 1", "/clerk/list/incoming/"),
        ("to confirm, page 1", "/clerk/list/confirm/"),
        ("handover form", "/clerk/handover/"),
        ("handover of a parcel", f"/clerk/handover/?order={waiting.number}" if waiting else ""),
        ("villagers", "/clerk/villagers/"),
        ("a villager", f"/clerk/villagers/{examples['villager'].pk}/"),
        ("register a villager", "/clerk/villagers/register/"),
        ("basket for a villager", f"/clerk/order/?villager={examples['villager'].pk}"),
        ("confirmation screen", f"/clerk/order/{examples['awaiting'].number}/confirm/"),
        ("deliveries to receive", "/clerk/receive/"),
        ("receive a delivery", f"/clerk/receive/{examples['delivery'].pk}/"),
        ("overdue parcels", "/clerk/overdue/"),
        ("till", "/clerk/till/"),
        ("commission statement", "/clerk/commissions/"),
    ]


def measure(client, path: str, rounds: int) -> tuple[list[float], int, int, int]:
    """Server times (ms) of `rounds` GETs, and one request's query count and HTML bytes."""
    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    for _warm in range(3):
        response = client.get(path, HTTP_HOST=HOST)
        if response.status_code != 200:
            raise SystemExit(f"{path}: status {response.status_code}")
    # Every statement sent, SET search_path included (an execute wrapper sees them all).
    with connection.execute_wrapper(count):
        response = client.get(path, HTTP_HOST=HOST)
    body = response.content
    times = []
    for _round in range(rounds):
        started = time.perf_counter()
        client.get(path, HTTP_HOST=HOST)
        times.append((time.perf_counter() - started) * 1000)
    return times, len(executed), len(body), len(gzip.compress(body))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()

    database_create(BENCH_DB)
    try:
        data = seed()
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django_tenants.utils import tenant_context

        # Lets the test client see the responses' context; the pages themselves are as served.
        setup_test_environment()
        results: dict[str, dict[str, tuple]] = {}
        for name in SIZES:
            client = Client()
            with tenant_context(data["county"]):  # the session lives in the county's schema
                client.force_login(data[name]["clerk"])
            for page, path in pages(data[name]):
                if not path:
                    continue
                say(f"{name} point ({SIZES[name]} orders): {page} {path}")
                results.setdefault(page, {})[name] = measure(client, path, args.rounds)
    finally:
        if not args.keep:
            database_drop(BENCH_DB)

    print()
    header = f"{'page':<22} {'orders':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}"
    print(header + f" {'bytes':>8} {'gzip':>7}")
    missed = []
    for page, by_point in results.items():
        for name, (times, queries, size, zipped) in by_point.items():
            median = statistics.median(times)
            p95 = sorted(times)[max(0, round(len(times) * 0.95) - 1)]
            print(
                f"{page:<22} {SIZES[name]:>6} {median:>10.1f} {p95:>8.1f} {queries:>8}"
                f" {size:>8} {zipped:>7}"
            )
            if median > TARGET_MEDIAN_MS:
                missed.append(f"{page} at {SIZES[name]} orders: median {median:.1f} ms > 30 ms")
            if size > TARGET_BYTES:
                missed.append(f"{page} at {SIZES[name]} orders: {size} bytes > 100 KB")
        counts = {by_point[name][1] for name in by_point}
        if len(counts) != 1:
            missed.append(f"{page}: query count changes with the orders: {sorted(counts)}")
    print()
    if missed:
        print("MISSED:\n  " + "\n  ".join(missed))
        sys.exit(1)
    print("all targets met: query counts constant from 10 to 500 orders, medians ≤ 30 ms,")
    print("pages ≤ 100 KB")


if __name__ == "__main__":
    main()
