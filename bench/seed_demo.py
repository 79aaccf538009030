"""How long `seed_demo` takes to fill a demo province from an empty database, and whether the
province it made adds up (issue 10, point 7; README, "The demo province").

In its own database (`fengshou_seed_bench`, made afresh, dropped at the end unless --keep):
the upgrade steps (db_ensure, migrate_schemas, sync_county_groups), then `seed_demo` with the
arguments given after `--`, timed, then the same again (which must add nothing), timed. Then,
per county: its orders, the clerks' share of them, the days whose ledger does not add up,
the orders whose money does not (received = payables + commissions + refunds), and listings
below zero stock. Exits 1 if anything does not add up.

    .venv/bin/python -m bench.seed_demo [--keep] -- --counties 4 --sellers 50 --orders 500
"""

import argparse
import os
import subprocess
import sys
import time

from bench.harness import ROOT, database_recreate, say

BENCH_DB = "fengshou_seed_bench"
BENCH_ENV = {
    # Forced, not defaulted: this script must never touch the dev or test databases.
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
    "REDIS_URL": "redis://127.0.0.1:6379/13",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13",
    "DJANGO_SETTINGS_MODULE": "config.settings.dev",
}


def _manage(*argv: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", *argv],
        cwd=ROOT,
        env={**os.environ, **BENCH_ENV},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def _province_check() -> bool:
    os.environ.update(BENCH_ENV)
    import django

    django.setup()
    import datetime as dt

    from django.conf import settings
    from django.db.models import Q, Sum
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from county_sites.ledger.models import LedgerEntry
    from county_sites.ledger.selectors import ledger_daily_totals
    from county_sites.orders.models import Order
    from farmers.models import Listing
    from hub.models import County

    received = Q(kind__in=["payment", "cash_collected"])
    accounted = Q(kind__in=["seller_payable", "commission", "refund"])
    good = True
    counties = County.objects.exclude(schema_name="public").exclude(
        schema_name=settings.TENANT_BASE_SCHEMA
    )
    for county in counties.order_by("pk"):
        with tenant_context(county):
            orders = Order.objects.count()
            entered = Order.objects.filter(entered_by__isnull=False).count()
            days = ledger_daily_totals(
                since=timezone.localdate() - dt.timedelta(days=200), until=timezone.localdate()
            )
            per_order = LedgerEntry.objects.values("order_id").annotate(
                received=Sum("amount_fen", filter=received),
                accounted=Sum("amount_fen", filter=accounted),
            )
            orders_off = sum((row["received"] or 0) != (row["accounted"] or 0) for row in per_order)
            days_off = sum(day.difference != 0 for day in days)
            negative = Listing.objects.filter(stock__lt=0).count()
        share = entered / orders if orders else 0
        say(
            f"{county.slug:10} {orders:6} orders, {share:5.1%} by a clerk; days not adding up "
            f"{days_off}/{len(days)}, orders {orders_off}, listings below zero {negative}"
        )
        good = good and not (days_off or orders_off or negative)
    return good


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("seed_args", nargs="*", help="seed_demo's arguments, after --")
    args = parser.parse_args()
    say(f"database {BENCH_DB} made afresh")
    database_recreate(BENCH_DB)
    try:
        upgrade = sum(
            _manage(*step)
            for step in (["db_ensure"], ["migrate_schemas", "-v", "0"], ["sync_county_groups"])
        )
        say(f"upgrade steps: {upgrade:.0f} s")
        first = _manage("seed_demo", *args.seed_args)
        say(f"seed_demo {' '.join(args.seed_args)}: {first:.0f} s")
        again = _manage("seed_demo", *args.seed_args)
        say(f"the same again (adds nothing): {again:.0f} s")
        good = _province_check()
    finally:
        if not args.keep:
            from bench.harness import database_drop

            database_drop(BENCH_DB)
    say("every county adds up" if good else "SOMETHING DOES NOT ADD UP")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
