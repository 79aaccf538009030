"""Demo data (demo): what each demo county holds, and that filling a county goes
through the farmers services, makes ready photos and is idempotent."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from PIL import Image

from accounts.models import User
from county_sites.orders.models import DeliveryZone
from county_sites.storefront.models import CountyHomePage
from demo.content import season_date
from demo.fill import DEMO_COUNTIES, DemoFillResult, county_demo_fill, demo_clerk_mobile
from demo.photos import PHOTO_SIZE, demo_photo_jpeg
from farmers.models import (
    Listing,
    ListingCertification,
    ListingPhoto,
    ModerationDecision,
    Seller,
    TraceabilityBatch,
)
from hub.models import Category
from hub.taxonomy import Certification
from service_points.models import Clerk, ServicePoint, ShelfPosition

TYPICAL = {
    "anji": ("安吉白茶", "冬笋", "笋干", "土鸡蛋", "竹炭"),
    "chunan": ("千岛湖有机鳙鱼", "鲢鱼", "鱼干", "山核桃", "椪柑"),
    "suichang": ("遂昌菊米", "遂昌冬笋", "高山白萝卜", "竹炭花生", "番薯粉", "长粽"),
}
TODAY = dt.date(2026, 11, 28)


def _counts() -> dict[str, int]:
    return {
        "points": ServicePoint.objects.count(),
        "zones": DeliveryZone.objects.count(),
        "sellers": Seller.objects.count(),
        "users": User.objects.count(),
        "listings": Listing.objects.count(),
        "approved": Listing.objects.filter(state=Listing.State.APPROVED).count(),
        "photos": ListingPhoto.objects.count(),
        "certifications": ListingCertification.objects.count(),
        "batches": TraceabilityBatch.objects.count(),
        "decisions": ModerationDecision.objects.count(),
    }


# ------------------------------------------------------------------------------
# The content itself (no database)
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("slug", ["anji", "chunan", "suichang"])
def test_each_demo_county_has_enough_typical_listings_sellers_points_and_zones(slug):
    demo = DEMO_COUNTIES[slug]
    titles = [listing.title for listing in demo.listings]

    assert len(demo.listings) >= 40
    assert 6 <= len(demo.sellers) <= 10
    assert 3 <= len(demo.points) <= 4
    assert 2 <= len(demo.zones) <= 3
    for product in TYPICAL[slug]:
        assert any(product in title for title in titles), product
    assert sum(listing.category == "daily-goods" for listing in demo.listings) >= 5
    assert {seller.kind for seller in demo.sellers} == {"farmer", "cooperative", "merchant"}


@pytest.mark.parametrize("slug", ["anji", "chunan", "suichang"])
def test_demo_keys_are_unique_and_references_resolve(slug):
    demo = DEMO_COUNTIES[slug]
    mobiles = [seller.mobile for seller in demo.sellers]
    point_names = {point.name for point in demo.points}

    assert len(set(mobiles)) == len(mobiles)
    assert len(point_names) == len(demo.points)
    assert len({zone.name for zone in demo.zones}) == len(demo.zones)
    for seller in demo.sellers:
        assert len({listing.title for listing in seller.listings}) == len(seller.listings)
        assert (seller.consent_method == "at_service_point") == bool(seller.point)
        assert not seller.point or seller.point in point_names
        for listing in seller.listings:
            assert listing.price_fen > 0 and listing.stock > 0
            start, end = listing.harvest or ("11-01", "11-01")
            assert season_date(start, today=TODAY) <= season_date(end, today=TODAY)


def test_demo_mobiles_differ_between_counties():
    mobiles = [seller.mobile for demo in DEMO_COUNTIES.values() for seller in demo.sellers]

    assert len(set(mobiles)) == len(mobiles)


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (dt.date(2026, 11, 28), "12-01", dt.date(2026, 12, 1)),
        (dt.date(2026, 11, 28), "+01-15", dt.date(2027, 1, 15)),
        (dt.date(2026, 11, 28), "04-02", dt.date(2026, 4, 2)),
        (dt.date(2027, 1, 10), "12-01", dt.date(2026, 12, 1)),
        (dt.date(2027, 1, 10), "+02-15", dt.date(2027, 2, 15)),
        (dt.date(2027, 6, 1), "11-15", dt.date(2027, 11, 15)),
    ],
)
def test_season_dates_follow_the_winter_around_today(today, text, expected):
    assert season_date(text, today=today) == expected


def test_demo_photo_is_a_1200x900_jpeg_of_50_to_150_kb():
    data = demo_photo_jpeg(label="安吉白茶", category_slug="tea", caption="溪龙乡黄杜村")

    assert 50 * 1024 <= len(data) <= 150 * 1024
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("JPEG", PHOTO_SIZE)


# ------------------------------------------------------------------------------
# Filling a county (county A is 安吉)
# ------------------------------------------------------------------------------
def test_fill_makes_the_whole_county_through_the_services_and_a_second_run_adds_nothing(
    in_county,
):
    demo = DEMO_COUNTIES["anji"]
    messages = []

    first = county_demo_fill(county=in_county, progress=messages.append, today=TODAY)

    assert connection.schema_name == in_county.schema_name
    counts = _counts()
    assert first == DemoFillResult(
        points_created=4,
        clerks_created=4,
        zones_created=3,
        sellers_created=8,
        listings_created=45,
        listings_existing=0,
    )
    assert counts["points"] == len(demo.points) == 4
    # A clerk per point, 13800000001 at the first, and a shelf of 8 positions each.
    clerks = Clerk.objects.select_related("point", "user").order_by("user__mobile")
    assert [(clerk.user.mobile, clerk.point.name, clerk.is_active) for clerk in clerks] == [
        (demo_clerk_mobile(index), point.name, True)
        for index, point in enumerate(demo.points, start=1)
    ]
    assert demo_clerk_mobile(1) == "13800000001"
    assert ShelfPosition.objects.count() == 4 * 8
    assert counts["zones"] == len(demo.zones) == 3
    assert counts["sellers"] == len(demo.sellers) == 8
    assert counts["listings"] == counts["approved"] == len(demo.listings) == 45
    assert counts["photos"] == 45
    assert counts["batches"] == sum(listing.batch is not None for listing in demo.listings)
    assert counts["certifications"] == sum(len(item.certifications) for item in demo.listings)
    # Submitted then approved, each by the county operator: two decisions per listing.
    operator = User.objects.get(username="operator")
    assert counts["decisions"] == 90
    assert set(ModerationDecision.objects.values_list("action", "actor")) == {
        (ModerationDecision.Action.SUBMITTED, operator.pk),
        (ModerationDecision.Action.APPROVED, operator.pk),
    }
    assert not ListingPhoto.objects.filter(renditions_ready=False).exists()
    for photo in ListingPhoto.objects.all():
        assert set(photo.renditions) == {"thumb", "card", "large"}
        assert (photo.width, photo.height) == PHOTO_SIZE
    assert "[anji] 45/45 listings" in messages

    home = CountyHomePage.objects.get()
    assert [block.block_type for block in home.body][:2] == ["announcement", "featured_listings"]
    featured = home.body[1].value
    assert featured["title"] == "安吉县特产"
    assert featured["listings"][0].title == demo.sellers[0].listings[0].title
    assert all(listing.seller.kind != Seller.Kind.MERCHANT for listing in featured["listings"])
    revisions = home.revisions.count()

    second = county_demo_fill(county=in_county, progress=messages.append, today=TODAY)

    assert second == DemoFillResult(listings_existing=45)
    assert _counts() == counts
    assert (Clerk.objects.count(), ShelfPosition.objects.count()) == (4, 32)
    assert home.revisions.count() == revisions


def test_fill_gives_white_tea_its_certificates_batch_and_season(in_county):
    county_demo_fill(county=in_county, today=TODAY, limit=6)

    tea = Listing.objects.get(title="安吉白茶 明前特级 250克罐装")
    assert tea.state == Listing.State.APPROVED
    assert tea.category == Category.objects.get(slug="tea")
    assert (tea.price_fen, tea.unit, tea.origin_village) == (48800, "pack", "溪龙乡黄杜村")
    assert (tea.harvest_start, tea.harvest_end) == (dt.date(2026, 3, 25), dt.date(2026, 4, 20))
    assert set(tea.certifications.values_list("kind", "certificate_number")) == {
        (Certification.GEOGRAPHICAL_INDICATION, "AGI00387"),
        (Certification.GREEN_FOOD, "LB-14-2404330523A"),
    }
    batch = tea.batches.get()
    assert (batch.batch_code, batch.harvest_date) == ("AJ26-0101", dt.date(2026, 3, 28))
    shoots = Listing.objects.get(title="余村冬笋 鲜挖")
    assert shoots.harvest_start <= TODAY <= shoots.harvest_end


def test_fill_records_consent_and_keeps_only_the_last_4_bank_digits(in_county):
    county_demo_fill(county=in_county, today=TODAY, limit=0)

    operator = User.objects.get(username="operator")
    coop = Seller.objects.get(mobile="13905720001")
    assert (coop.bank_name, coop.bank_account_last4) == ("浙江安吉农村商业银行", "7364")
    assert (coop.consent_method, coop.consent_recorded_by) == ("paper_form", operator)
    at_point = Seller.objects.get(mobile="13905720002")
    assert at_point.registered_by_point.name == "余村服务点"
    own_phone = Seller.objects.get(mobile="13905720003")
    assert own_phone.consent_method == "self_on_phone"
    assert own_phone.consent_recorded_by is None
    assert own_phone.user.mobile == "13905720003"
    assert own_phone.mobile_verified_at is not None
    assert not Listing.objects.exists()


def test_fill_with_a_limit_makes_only_that_many_listings(db, other_county):
    with tenant_context(other_county):
        result = county_demo_fill(county=other_county, today=TODAY, limit=3)

        assert (result.listings_created, result.sellers_created) == (3, 8)
        assert Listing.objects.filter(state=Listing.State.APPROVED).count() == 3
        assert Listing.objects.filter(title__startswith="千岛湖有机鳙鱼").exists()
    connection.set_schema_to_public()


def test_fill_leaves_a_county_without_demo_content_alone(in_county):
    messages = []

    result = county_demo_fill(county=SimpleNamespace(slug="deqing"), progress=messages.append)

    assert result == DemoFillResult()
    assert messages == ["[deqing] no demo content for this county, skipped"]
    assert not Seller.objects.exists()
