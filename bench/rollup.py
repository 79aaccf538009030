"""The province's nightly work and its portal (issue 10): the roll-up and the province index
rebuild over 3, 6 and 12 counties of 5,000 orders each, time per county; then the portal's home
and search pages against a bare Django view, cached and uncached, in one run.

Seeding is bulk (bulk_create of sellers, listings, buyers, service points, orders over six
months with their lines and hand-overs), not through the services: seed_demo's service path
takes hours at this size, and the nightly jobs read the rows, not how they were written.
Orders mix what the figures count: paid and collected, cancelled, refunded, clerk-entered,
cash at a service point.

Targets: time per county flat or falling from 3 to 12 counties (linear or better); portal
cached >= 0.5 of the bare view, uncached search >= 0.1.

It uses its own database `fengshou_rollup_bench` (dropped at the end unless --keep) and Redis
database 13.

    .venv/bin/python -m bench.rollup [--orders 5000] [--duration 5] [--rounds 2] [--keep]
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import (
    WRK_LUA,
    GunicornServer,
    database_create,
    database_drop,
    fetch,
    load_rounds,
    medians,
    say,
    wrk_ensure,
)

BENCH_DB = "fengshou_rollup_bench"
BENCH_ENV = {
    # Forced, not defaulted: this script must never touch the dev or test databases.
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
    "REDIS_URL": "redis://127.0.0.1:6379/13",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13",
    "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/13",
    "DEBUG": "0",
    "LOG_LEVEL": "WARNING",
    "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "fengshou_rollup_bench_media"),
}
os.environ.update(BENCH_ENV)
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_storefront"

HUB_HOST = "localhost"
COUNTY_STEPS = (3, 6, 12)
SELLERS, LISTINGS, BUYERS, POINTS = 40, 120, 800, 6
# Real county codes of Zhejiang (GB/T 2260), for slugs and names only.
COUNTIES = [
    ("330521", "deqing", "德清县"), ("330522", "changxing", "长兴县"),
    ("330523", "anji", "安吉县"), ("330127", "chunan", "淳安县"),
    ("331123", "suichang", "遂昌县"), ("330122", "tonglu", "桐庐县"),
    ("330624", "xinchang", "新昌县"), ("330727", "panan", "磐安县"),
    ("330825", "longyou", "龙游县"), ("331022", "sanmen", "三门县"),
    ("331124", "songyang", "松阳县"), ("331127", "jingning", "景宁县"),
]  # fmt: skip
PRODUCE = ["白茶", "笋干", "土鸡蛋", "山核桃", "香菇", "蜂蜜", "杨梅", "茭白", "番薯干", "菊米"]


def seed_county(county, *, orders: int) -> None:
    """Sellers of every kind, approved listings, buyers, points with clerks, and `orders`
    orders over the last six months (local time), with lines and hand-overs."""
    import datetime as dt
    import random

    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from accounts.models import User
    from county_sites.ledger.models import LedgerEntry
    from county_sites.orders.models import DeliveryZone, Order, OrderHandover, OrderLine
    from farmers.models import Listing, Seller
    from hub.models import Category
    from service_points.models import Clerk, ServicePoint

    rng = random.Random(county.code)  # noqa: S311  (repeatable test data, not secrets)
    categories = list(Category.objects.filter(parent=None).order_by("sort_order"))
    now = timezone.now()
    with tenant_context(county):
        if Order.objects.count() >= orders:
            return
        kinds = [kind for kind, _label in Seller.Kind.choices]
        sellers = Seller.objects.bulk_create(
            Seller(
                kind=kinds[n % len(kinds)],
                name=f"{county.name}农户{n}",
                mobile=f"139{n:08d}",
                village=f"第{n % 12}村",
                consented_at=now,
                consent_method=Seller.ConsentMethod.SELF_ON_PHONE,
            )
            for n in range(SELLERS)
        )
        listings = Listing.objects.bulk_create(
            Listing(
                seller=sellers[n % SELLERS],
                title=f"{PRODUCE[n % len(PRODUCE)]}{n}号",
                category=categories[n % len(categories)],
                price_fen=500 + (n * 37) % 20000,
                stock=50 + n % 100,
                state=Listing.State.APPROVED,
                submitted_at=now,
                approved_at=now,
            )
            for n in range(LISTINGS)
        )
        buyers = User.objects.bulk_create(
            User(
                username=f"buyer{n}",
                mobile=f"137{n:08d}",
                date_joined=now - dt.timedelta(days=n % 200),
            )
            for n in range(BUYERS)
        )
        points = ServicePoint.objects.bulk_create(
            ServicePoint(name=f"服务点{n}", village=f"第{n}村", address=f"第{n}村村口")
            for n in range(POINTS)
        )
        clerk_users = User.objects.bulk_create(
            User(username=f"clerk{n}", mobile=f"136{n:08d}") for n in range(POINTS)
        )
        Clerk.objects.bulk_create(
            Clerk(user=user, point=point, added_by=user)
            for user, point in zip(clerk_users, points, strict=True)
        )
        zone = DeliveryZone.objects.create(name="全县", fee_fen=0)
        state_ = Order.State
        cash, online = Order.PaymentMethod.CASH_ON_PICKUP, Order.PaymentMethod.BANK_GATEWAY
        done = (state_.COLLECTED, state_.DELIVERED)
        states = [state_.COLLECTED] * 6 + [
            state_.DELIVERED,
            state_.PAID,
            state_.PREPARING,
            state_.CANCELLED,
            state_.REFUNDED,
        ]
        batch, lines, handovers = [], [], []
        for n in range(orders):
            placed = now - dt.timedelta(minutes=rng.randrange(0, 180 * 24 * 60))
            point = points[n % POINTS] if n % 3 else None
            state = states[n % len(states)]
            if point is None and state == state_.COLLECTED:
                state = state_.DELIVERED
            clerk_entered = point is not None and n % 4 == 0
            picked = [listings[rng.randrange(LISTINGS)] for _line in range(1 + n % 3)]
            quantity = 1 + n % 2
            total = sum(listing.price_fen * quantity for listing in picked)
            order = Order(
                number=f"B{county.code}{n:08d}",
                buyer=buyers[n % BUYERS],
                entered_by=clerk_users[points.index(point)] if clerk_entered else None,
                buyer_confirmed_at=placed if clerk_entered else None,
                idempotency_key=f"bench-{n}",
                state=state,
                fulfilment=Order.Fulfilment.PICKUP if point else Order.Fulfilment.DELIVERY,
                service_point=point,
                delivery_zone=None if point else zone,
                delivery_address="" if point else "村口小卖部旁",
                contact_mobile="13700000000",
                payment_method=cash if point and n % 2 else online,
                lines_total_fen=total,
                total_fen=total,
                commission_bp=500,
                placed_at=placed,
                paid_at=placed if state not in (state_.PLACED, state_.CANCELLED) else None,
                cancelled_at=placed + dt.timedelta(hours=1) if state == state_.CANCELLED else None,
                completed_at=placed + dt.timedelta(days=2) if state in done else None,
            )
            batch.append((order, picked, quantity))
        Order.objects.bulk_create([order for order, *_rest in batch], batch_size=1000)
        for order, picked, quantity in batch:
            for listing in picked:
                lines.append(
                    OrderLine(
                        order=order,
                        listing=listing,
                        seller_id=listing.seller_id,
                        title=listing.title,
                        unit=listing.unit,
                        price_fen=listing.price_fen,
                        quantity=quantity,
                        line_total_fen=listing.price_fen * quantity,
                        commission_bp=500,
                    )
                )
            if order.state == state_.COLLECTED:
                handovers.append(
                    OrderHandover(
                        order=order,
                        key=f"bench-{order.number}",
                        handed_by=clerk_users[points.index(order.service_point)],
                        cash_fen=order.total_fen if order.payment_method == "cash_on_pickup" else 0,
                        at=order.completed_at,
                    )
                )
        OrderLine.objects.bulk_create(lines, batch_size=2000)
        OrderHandover.objects.bulk_create(handovers, batch_size=2000)
        LedgerEntry.objects.bulk_create(_ledger_rows(batch, lines), batch_size=2000)


def _ledger_rows(batch, lines) -> list:
    """What the ledger books when each order's money comes in (ledger services): the payment
    (online) or the cash at the point (at hand-over), then each line's seller payable and the
    county's commission. Refunded orders are booked as received only: the bench times reading
    the ledger, not the refund path."""
    from county_sites.ledger.models import LedgerEntry
    from county_sites.ledger.services import commission_of
    from county_sites.orders.models import Order

    Kind, state = LedgerEntry.Kind, Order.State  # noqa: N806
    received = (state.PAID, state.PREPARING, state.COLLECTED, state.DELIVERED, state.REFUNDED)
    by_order: dict = {}
    for line in lines:
        by_order.setdefault(line.order_id, []).append(line)
    rows = []
    for order, *_rest in batch:
        cash = order.payment_method == Order.PaymentMethod.CASH_ON_PICKUP
        if order.state not in received or (cash and order.state != state.COLLECTED):
            continue
        at = order.completed_at if cash else order.paid_at
        money = {"order": order, "provider": order.payment_method, "created_at": at}
        if cash:
            rows.append(
                LedgerEntry(
                    kind=Kind.CASH_COLLECTED,
                    amount_fen=order.total_fen,
                    service_point=order.service_point,
                    receipt_key=f"bench-{order.number}",
                    **money,
                )
            )
        else:
            rows.append(LedgerEntry(kind=Kind.PAYMENT, amount_fen=order.total_fen, **money))
        for line in by_order[order.pk]:
            commission = commission_of(amount_fen=line.line_total_fen, commission_bp=500)
            split = {"order_line": line, "seller_id": line.seller_id, **money}
            rows.append(
                LedgerEntry(
                    kind=Kind.SELLER_PAYABLE, amount_fen=line.line_total_fen - commission, **split
                )
            )
            rows.append(LedgerEntry(kind=Kind.COMMISSION, amount_fen=commission, **split))
    return rows


def seed(*, orders: int) -> list:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from hub.models import County
    from hub.services import county_create

    say("migrate_schemas --shared")
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    counties = []
    for index, (code, slug, name) in enumerate(COUNTIES):
        county = County.objects.filter(slug=slug).first()
        if county is None:
            county = county_create(code=code, slug=slug, name=name).county
        started = time.perf_counter()
        seed_county(county, orders=orders)
        seconds = time.perf_counter() - started
        say(f"county {index + 1}/{len(COUNTIES)} {name}: seeded in {seconds:.1f} s")
        counties.append(county)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counties


def nightly_timed(counties: list) -> dict[str, float]:
    """Seconds of each nightly job over these counties, run in-process as a worker runs each
    county's part (in its schema)."""
    from django_tenants.utils import tenant_context

    from county_sites.catalogue.province import province_index_rebuild

    times = {}
    started = time.perf_counter()
    for county in counties:
        with tenant_context(county):
            province_index_rebuild()
    times["index rebuild"] = time.perf_counter() - started
    from hub.rollups import month_current, month_previous
    from hub.services.rollups import rollup_county_run

    this_month = month_current()
    for name, months in (
        ("roll-up, nightly", [month_previous(this_month), this_month]),
        ("roll-up, all months", None),  # the on-demand recompute: every month since the first
    ):
        started = time.perf_counter()
        for county in counties:
            with tenant_context(county):
                rollup_county_run(county=county, months=months)
        times[name] = time.perf_counter() - started
    return times


def portal_load(args, log_dir: Path) -> list[tuple[str, float, float, int]]:
    wrk = None if args.python_client else wrk_ensure()
    say(f"load generator: {'wrk' if wrk else 'Python threads + http.client'}")
    bare = GunicornServer("bare", "bench.settings_bare", args.workers, log_dir)
    cached = GunicornServer("cached", "bench.settings_storefront", args.workers, log_dir)
    uncached = GunicornServer(
        "uncached",
        "bench.settings_storefront",
        args.workers,
        log_dir,
        env={"FENGSHOU_PAGE_CACHE_ENABLED": "0"},
    )
    servers = [bare, cached, uncached]
    try:
        bare.wait_ready(lambda port: fetch(port, "/trivial/", host=HUB_HOST), timeout=240)
        for server in (cached, uncached):
            server.wait_ready(lambda port: fetch(port, "/", host=HUB_HOST), timeout=240)
        search = "/?q=baicha"
        targets = [
            ("bare view", bare, "/trivial/", "public"),
            ("portal home, cached", cached, "/", "<form"),
            ("portal search, cached", cached, search, "白茶"),
            ("portal home, uncached", uncached, "/", "<form"),
            ("portal search, uncached", uncached, search, "白茶"),
        ]
        for name, server, path, expected in targets:
            status, body, _headers = fetch(server.port, path, host=HUB_HOST)
            if status != 200 or expected.encode() not in body:
                sys.exit(f"{name}: {path} answered {status} without {expected!r}")
        lua = log_dir / "check.lua"
        lua.write_text(WRK_LUA)
        results = load_rounds(
            targets, wrk=wrk, lua=lua, seconds=args.duration, connections=args.connections,
            rounds=args.rounds, host=HUB_HOST,
        )  # fmt: skip
    finally:
        for server in servers:
            server.stop()
    figures = medians(results)
    return [(name, *figures[name]) for name, *_rest in targets]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=5000, help="orders per county")
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=2, help="measurements per target")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()

    created = database_create(BENCH_DB)
    say(f"database {BENCH_DB} {'created' if created else 'reused'}")
    try:
        counties = seed(orders=args.orders)
        rows = []
        for step in COUNTY_STEPS:
            times = nightly_timed(counties[:step])
            rows.append((step, times))
            say(f"{step} counties: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))
        from django.db import connections

        connections.close_all()
        portal = portal_load(args, Path(tempfile.mkdtemp(prefix="rollup-bench-")))

        print()
        print(f"nightly jobs, {args.orders} orders per county (seconds; per county in brackets)")
        jobs = list(rows[0][1])
        print(f"{'counties':<10}" + "".join(f"{job:>30}" for job in jobs))
        for step, times in rows:
            cells = "".join(
                f"{times[job]:>14.2f} ({times[job] / step:>6.3f}/county)" for job in jobs
            )
            print(f"{step:<10}{cells}")
        for job in jobs:
            first, last = rows[0][1][job] / rows[0][0], rows[-1][1][job] / rows[-1][0]
            verdict = "OK" if last <= first * 1.25 else "MISSED"
            print(
                f"{job}: per county {first:.3f} s at {rows[0][0]}, {last:.3f} s at "
                f"{rows[-1][0]}: linear or better {verdict}"
            )
        bare_rps = portal[0][1]
        print()
        print(f"{'page':<26}{'requests/s':>12}{'p95 ms':>10}{'ratio':>8}{'bad':>6}")
        for name, rps, p95, bad in portal:
            print(f"{name:<26}{rps:>12.0f}{p95:>10.1f}{rps / bare_rps:>8.2f}{bad:>6}")
        ratio = {name: rps / bare_rps for name, rps, _p95, _bad in portal}
        home, search = ratio["portal home, cached"], ratio["portal search, cached"]
        uncached = ratio["portal search, uncached"]
        print(
            f"targets: cached >= 0.5: home {home:.2f}, search {search:.2f} "
            f"{'OK' if min(home, search) >= 0.5 else 'MISSED'}; uncached search >= 0.1: "
            f"{uncached:.2f} {'OK' if uncached >= 0.1 else 'MISSED'}"
        )
        if any(bad for *_rest, bad in portal):
            sys.exit("some responses under load were wrong (see 'bad')")
    finally:
        if not args.keep:
            database_drop(BENCH_DB)
            shutil.rmtree(BENCH_ENV["MEDIA_ROOT"], ignore_errors=True)
            say(f"dropped {BENCH_DB}")


if __name__ == "__main__":
    main()
