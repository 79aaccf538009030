"""The province-scale demo (issue 10, point 7): real Zhejiang counties generated with sellers
of their villages, and months of orders through the orders services, topped up and adding up
in the ledger; seed_demo's defaults unchanged."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from county_sites.ledger.models import LedgerEntry
from county_sites.ledger.selectors import ledger_daily_totals
from county_sites.orders.models import Order, OrderConfirmation
from demo.clock import demo_clock
from demo.fill import county_demo_fill
from demo.generate import county_demo_generate, demo_seller_mobile
from demo.management.commands import seed_demo
from demo.orders import DAYS, county_demo_orders
from demo.zhejiang import COUNTIES
from farmers.models import Listing, Seller
from service_points.models import PointVillager

DEQING = COUNTIES[0]
TODAY = dt.date(2026, 11, 28)


def _seed_options(*argv: str) -> dict:
    parser = seed_demo.Command().create_parser("manage.py", "seed_demo")
    return vars(parser.parse_args(argv))


# ------------------------------------------------------------------------------
# The county table and the generated content (no database)
# ------------------------------------------------------------------------------
def test_the_first_generated_counties_are_real_zhejiang_divisions_with_their_codes():
    codes = {county.code: county.name for county in COUNTIES}

    assert [(c.code, c.name) for c in COUNTIES[:4]] == [
        ("330521", "德清县"), ("330522", "长兴县"), ("330122", "桐庐县"), ("330182", "建德市"),
    ]  # fmt: skip
    assert codes["330112"] == "临安区"
    assert codes["331127"] == "景宁畲族自治县"
    assert codes["331181"] == "龙泉市"
    assert len(codes) == len(COUNTIES) == 16
    hand_written = {spec["code"] for spec in seed_demo.DEMO_COUNTIES}
    assert not hand_written & set(codes)
    assert all(code.startswith("33") and len(code) == 6 for code in codes)
    assert len({county.slug for county in COUNTIES}) == 16


def test_generated_content_is_deterministic_and_a_larger_count_only_adds_sellers():
    small = county_demo_generate(DEQING, sellers=5)
    large = county_demo_generate(DEQING, sellers=8)

    assert small == county_demo_generate(DEQING, sellers=5)
    assert large.sellers[:5] == small.sellers
    assert [seller.mobile for seller in small.sellers] == [
        demo_seller_mobile(DEQING, number) for number in range(1, 6)
    ]
    assert small.sellers[0].mobile == "13505210001"
    towns = DEQING.towns
    for seller in large.sellers:
        assert seller.village.startswith(towns)
        assert seller.kind in {"farmer", "cooperative", "merchant"}
        assert 2 <= len(seller.listings) <= 4
        assert len({listing.title for listing in seller.listings}) == len(seller.listings)
        for listing in seller.listings:
            assert 100 <= listing.price_fen <= 50_000 and listing.stock >= 300


def test_seller_mobiles_differ_across_the_whole_province():
    mobiles = [
        seller.mobile
        for county in COUNTIES
        for seller in county_demo_generate(county, sellers=30).sellers
    ]

    assert len(set(mobiles)) == len(mobiles) == 16 * 30


def test_seed_demo_defaults_stay_the_three_hand_written_counties_without_orders():
    options = _seed_options()

    assert (options["counties"], options["orders"]) == (3, 0)
    assert [spec["slug"] for spec in seed_demo.DEMO_COUNTIES] == ["anji", "chunan", "suichang"]
    assert _seed_options("--counties", "12", "--sellers", "200", "--orders", "5000") == {
        **options,
        "counties": 12,
        "sellers": 200,
        "orders": 5000,
    }


def test_the_demo_clock_stamps_services_and_field_defaults_and_lets_go():
    at = timezone.make_aware(dt.datetime(2026, 9, 3, 10, 0))

    with demo_clock(at) as clock:
        first = timezone.now()
        clock.set(at + dt.timedelta(days=1))
        later = timezone.now()
        default = LedgerEntry._meta.get_field("created_at").get_default()

    assert at < first < at + dt.timedelta(seconds=1)
    assert later - first > dt.timedelta(hours=23)
    assert at + dt.timedelta(days=1) < default < at + dt.timedelta(days=1, seconds=1)
    assert timezone.now() > at + dt.timedelta(days=60)


# ------------------------------------------------------------------------------
# Filling a county with generated sellers and orders (county A stands in for 德清)
# ------------------------------------------------------------------------------
def test_generated_county_gets_sellers_orders_clerk_share_and_a_ledger_that_adds_up(in_county):
    demo = county_demo_generate(DEQING, sellers=5)
    photos: dict = {}
    ticks = []

    filled = county_demo_fill(
        county=in_county, demo=demo, today=TODAY, photos=photos, tick=lambda *a: ticks.append(a)
    )
    orders = county_demo_orders(county=in_county, target=20)

    assert filled.sellers_created == Seller.objects.count() == 5
    assert filled.points_created == 3
    listings = Listing.objects.filter(state=Listing.State.APPROVED).count()
    assert listings == filled.listings_created == len(demo.listings)
    assert ticks[-1] == (listings, listings)
    assert len(photos) <= listings  # drawn once per product, reused
    assert (orders.orders_created, orders.orders_refused, orders.buyers_created) == (20, 0, 10)
    assert Order.objects.count() == 20
    entered = Order.objects.filter(entered_by__isnull=False)
    assert 1 <= entered.count() < 20
    assert not entered.filter(buyer_confirmed_at__isnull=True).exists()
    assert OrderConfirmation.objects.filter(confirmed_at__isnull=False).count() == entered.count()
    assert PointVillager.objects.count() == 10
    oldest = timezone.now() - dt.timedelta(days=DAYS + 1)
    assert Order.objects.filter(placed_at__lt=timezone.now() - dt.timedelta(days=7)).exists()
    assert not Order.objects.filter(placed_at__lt=oldest).exists()
    assert Order.objects.filter(state=Order.State.COLLECTED).exists()
    assert LedgerEntry.objects.exists()
    days = ledger_daily_totals(since=oldest.date(), until=timezone.localdate())
    assert days and all(day.difference == 0 for day in days)
    counts = (Seller.objects.count(), Listing.objects.count(), Order.objects.count())
    entries = LedgerEntry.objects.count()

    again = county_demo_fill(county=in_county, demo=demo, today=TODAY, photos=photos)
    orders_again = county_demo_orders(county=in_county, target=20)

    assert (again.sellers_created, again.listings_created) == (0, 0)
    assert (orders_again.orders_created, orders_again.orders_existing) == (0, 20)
    assert (Seller.objects.count(), Listing.objects.count(), Order.objects.count()) == counts
    assert LedgerEntry.objects.count() == entries

    topped = county_demo_orders(county=in_county, target=25)

    assert (topped.orders_created, topped.orders_existing, topped.buyers_created) == (5, 20, 0)
    assert Order.objects.count() == 25


def test_orders_are_the_same_whichever_run_makes_them(in_county):
    county_demo_fill(county=in_county, demo=county_demo_generate(DEQING, sellers=3), today=TODAY)

    county_demo_orders(county=in_county, target=6)

    keys = Order.objects.order_by("idempotency_key").values_list(
        "idempotency_key", "buyer__mobile", "total_fen", "fulfilment", "payment_method"
    )
    assert len(keys) == 6
    assert [row[0] for row in keys] == [f"demo-{n}" for n in range(6)]


def test_seed_demo_refuses_a_county_count_beyond_the_table(db):
    with pytest.raises(CommandError, match="between 1 and 19"):
        call_command("seed_demo", "--counties", "20")


def test_seed_demo_queues_a_roll_up_of_every_month_for_the_dashboard(in_public, monkeypatch):
    import io

    from demo.management.commands.seed_demo import Command
    from hub.models import RollUpRun

    queued = []
    monkeypatch.setattr(
        "hub.services.rollups.task_queue",
        lambda name, *, args, schema_name: queued.append((name, args, schema_name)),
    )
    out = io.StringIO()
    command = Command(stdout=out)

    command._rollup_request()
    command._rollup_request()  # a second seed while the first run waits: refused, said

    run = RollUpRun.objects.get()
    assert (run.trigger, run.state, run.month_from) == ("on_demand", "queued", None)
    assert f"roll-up run {run.pk} queued for the worker" in out.getvalue()
    assert "roll-up not queued:" in out.getvalue()
