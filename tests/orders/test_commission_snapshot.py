"""Orders snapshot the province's commission policy per line when placed (issue 10, point 3):
a later change reaches new orders in every county at once, without a migration, and never a
placed order or its ledger split."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import schema_context
from wagtail.models import Site

from county_sites.ledger.models import LedgerEntry
from county_sites.ledger.selectors import ledger_daily_totals
from county_sites.ledger.services import ledger_record_receipt
from hub.models import Category, CommissionRule
from hub.services.policy import commission_rule_set
from service_points.models import ServicePointSettings
from service_points.selectors import point_commission_rate
from tests.factories.farmers import ListingFactory
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.orders import place

PLATFORM = CommissionRule.Kind.PLATFORM


@pytest.fixture
def policy(db):
    """Set a rule as province staff, in the public schema, from wherever the test is."""
    with schema_context("public"):
        staff = get_user_model().objects.create_superuser(username="province-wang", email="")

    def set_rule(**options):
        with schema_context("public"):
            category = options.pop("category", None)
            if isinstance(category, str):
                category = Category.objects.get(slug=category)
            return commission_rule_set(by=staff, category=category, **options)

    return set_rule


@pytest.fixture
def green_tea(tea_seller):
    return ListingFactory(
        seller=tea_seller,
        title="安吉白茶",
        price_fen=12_800,
        stock=20,
        approved=True,
        category=Category.objects.get(slug="tea"),
    )


def commissions_by_line(order):
    return dict(
        LedgerEntry.objects.filter(order=order, kind=LedgerEntry.Kind.COMMISSION).values_list(
            "order_line__title", "amount_fen"
        )
    )


def test_each_line_snapshots_its_category_rate(policy, county, buyer, green_tea, shoots, point):
    policy(kind=PLATFORM, category="tea", rate_bp=300)

    order = place(buyer, [(green_tea, 2), (shoots, 10)], point=point)

    assert order.commission_bp == 500  # the county's own rate, no category
    assert dict(order.lines.values_list("title", "commission_bp")) == {
        "安吉白茶": 300,
        "鲜竹笋": 500,
    }
    ledger_record_receipt(order=order, cash=False)
    assert commissions_by_line(order) == {"安吉白茶": 25_600 * 300 // 10_000, "鲜竹笋": 325}


def test_a_later_change_leaves_placed_orders_and_their_split_alone(
    policy, county, buyer, green_tea, shoots, point
):
    placed = place(buyer, [(green_tea, 1), (shoots, 2)], point=point)

    # The province changes everything the moment after: a county rate, a category rate.
    policy(kind=PLATFORM, county=county, rate_bp=800)
    policy(kind=PLATFORM, county=county, category="tea", rate_bp=1_000)
    ledger_record_receipt(order=placed, cash=False)  # paid after the change
    placed.refresh_from_db()

    assert placed.commission_bp == 500
    assert sorted(placed.lines.values_list("commission_bp", flat=True)) == [500, 500]
    assert commissions_by_line(placed) == {"安吉白茶": 640, "鲜竹笋": 65}
    # The next order takes the new rates, with no migration in the county.
    fresh = place(buyer, [(green_tea, 1), (shoots, 2)], point=point)
    assert fresh.commission_bp == 800
    assert dict(fresh.lines.values_list("title", "commission_bp")) == {
        "安吉白茶": 1_000,
        "鲜竹笋": 800,
    }
    ledger_record_receipt(order=fresh, cash=False)
    assert commissions_by_line(fresh) == {"安吉白茶": 1_280, "鲜竹笋": 104}
    # Money still adds up on the day: payment = seller payables + commissions.
    today = timezone.localdate()
    (day,) = ledger_daily_totals(since=today, until=today)
    assert day.received == placed.total_fen + fresh.total_fen
    assert day.difference == 0


def test_another_countys_override_does_not_apply(
    policy, other_county, buyer, green_tea, shoots, point
):
    policy(kind=PLATFORM, county=other_county, rate_bp=100)
    policy(kind=PLATFORM, county=other_county, category="tea", rate_bp=50)

    order = place(buyer, [(green_tea, 1), (shoots, 1)], point=point)

    assert order.commission_bp == 500
    assert sorted(order.lines.values_list("commission_bp", flat=True)) == [500, 500]


def test_a_line_without_its_own_rate_uses_the_orders(county, buyer, shoots, point):
    """Lines placed before rates were per line keep being split at the order's rate."""
    order = place(buyer, [(shoots, 10)], point=point)
    order.lines.update(commission_bp=None)
    type(order).objects.filter(pk=order.pk).update(commission_bp=700)
    order.refresh_from_db()

    ledger_record_receipt(order=order, cash=False)

    assert commissions_by_line(order) == {"鲜竹笋": 6_500 * 700 // 10_000}


def test_the_point_share_province_then_county_then_point(policy, county, other_county, point):
    point_q = ServicePointFactory(name="孝丰服务点", commission_rate=Decimal("0.0125"))
    assert point_commission_rate(point=point) == Decimal("0.03")  # the province's seeded 3 %

    policy(kind=CommissionRule.Kind.POINT_SHARE, county=county, rate_bp=250)
    policy(kind=CommissionRule.Kind.POINT_SHARE, county=other_county, rate_bp=900)
    assert point_commission_rate(point=point) == Decimal("0.025")

    ServicePointSettings.objects.create(
        site=Site.objects.get(is_default_site=True), commission_rate_default=Decimal("0.0400")
    )
    assert point_commission_rate(point=point) == Decimal("0.0400")  # the county's own wins
    assert point_commission_rate(point=point_q) == Decimal("0.0125")  # the point's wins
