"""The storefront on a phone (390×844) in a real Chromium: home, a category, a product page,
and a resident finding 白茶 by typing `bc`. Screenshots go to tests/e2e/artifacts/."""

import re

import pytest
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from hub.models import County
from tests.e2e.conftest import outside_the_browser
from tests.fixtures.counties import COUNTY_A

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("compiled_messages")]

TITLES = ("安吉白茶", "白茶礼盒", "高山笋干", "土鸡蛋")


def _arrange() -> dict:
    """Committed rows (the live server runs in another thread): approved listings of county A,
    created once and reused."""
    from farmers.models import Listing
    from service_points.models import ServicePoint
    from tests.factories.farmers import ListingFactory, SellerFactory, category

    county = County.objects.get(slug=COUNTY_A.slug)
    with tenant_context(county):
        existing = {
            listing.title: listing.pk for listing in Listing.objects.filter(title__in=TITLES)
        }
        if len(existing) == len(TITLES):
            return existing
        seller = SellerFactory(name="王大伯", village="黄杜村")
        plan = [
            ("安吉白茶", "tea", 12800, 30),
            ("白茶礼盒", "tea", 26800, 6),
            ("高山笋干", "vegetables", 4500, 100),
            ("土鸡蛋", "poultry-eggs", 180, 0),
        ]
        for title, slug, price, stock in plan:
            listing = ListingFactory(
                seller=seller,
                title=title,
                category=category(slug),
                price_fen=price,
                stock=stock,
                origin_village="黄杜村",
                approved=True,
                description="黄杜村茶园，明前采摘，手工炒制。",
            )
            existing[title] = listing.pk
        ServicePoint.objects.get_or_create(
            name="黄杜村服务点",
            defaults={
                "village": "黄杜村",
                "address": "黄杜村文化礼堂旁",
                "opening_hours": "每天 8:00-20:00",
            },
        )
        return existing


def _remove() -> None:
    from farmers.models import Listing, Seller
    from service_points.models import ServicePoint

    county = County.objects.get(slug=COUNTY_A.slug)
    with tenant_context(county):
        listings = Listing.objects.filter(title__in=TITLES)
        sellers = list(Seller.objects.filter(listings__in=listings).distinct())
        listings.delete()
        for seller in sellers:
            user = seller.user
            seller.delete()
            if user is not None:
                user.delete()
        ServicePoint.objects.filter(name="黄杜村服务点").delete()


@pytest.fixture
def shop(live_site):
    ids = outside_the_browser(_arrange)
    yield ids
    outside_the_browser(_remove)


def test_resident_browses_and_finds_white_tea_by_initials(live_site, shop, phone, screenshot):
    home = live_site.county_url(COUNTY_A.slug)

    phone.goto(home)
    expect(phone.get_by_role("heading", level=1)).to_have_text("欢迎来到安吉县丰收购")
    expect(phone.get_by_role("link", name=re.compile("茶叶"))).to_be_visible()
    expect(phone.get_by_text("黄杜村服务点")).to_be_visible()
    screenshot(phone, "storefront-home-phone")

    phone.get_by_role("link", name=re.compile("茶叶")).first.click()
    phone.wait_for_url(re.compile(r"/c/tea/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("茶叶")
    expect(phone.get_by_text("¥128.00/斤")).to_be_visible()
    screenshot(phone, "storefront-category-phone")

    phone.get_by_text("筛选和排序").click()
    phone.get_by_label("排序").select_option("price_desc")
    phone.get_by_role("button", name="确定").click()
    phone.wait_for_url(re.compile(r"sort=price_desc"))
    cards = phone.locator(".card-title")
    expect(cards.first).to_have_text("白茶礼盒")
    screenshot(phone, "storefront-category-sorted-phone")

    phone.get_by_role("link", name=re.compile("安吉白茶")).first.click()
    phone.wait_for_url(re.compile(rf"/p/{shop['安吉白茶']}/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("安吉白茶")
    expect(phone.get_by_role("button", name="加入购物车")).to_be_visible()
    screenshot(phone, "storefront-product-phone")

    phone.get_by_label("搜索商品").fill("bc")
    phone.get_by_role("button", name="搜索", exact=True).click()
    phone.wait_for_url(re.compile(r"/search/\?q=bc$"))
    # Initials: 白茶礼盒 (bclh) matches at the start, 安吉白茶 (ajbc) later.
    expect(cards.nth(0)).to_have_text("白茶礼盒")
    expect(cards.nth(1)).to_have_text("安吉白茶")
    screenshot(phone, "storefront-search-bc-phone")

    phone.get_by_label("搜索商品").fill("榴莲")
    phone.get_by_role("button", name="搜索", exact=True).click()
    expect(phone.get_by_text("没有找到与“榴莲”相关的商品。")).to_be_visible()
    screenshot(phone, "storefront-search-none-phone")
