"""/search/ and search_listings: Chinese substrings, pinyin and initials, ranked; only this
county's approved listings."""

import pytest
from django_tenants.utils import tenant_context

from county_sites.catalogue.search import pinyin_full, pinyin_initials, query_as_pinyin
from county_sites.catalogue.selectors import SearchRank, search_listings
from tests.county_sites.conftest import live
from tests.factories.farmers import ListingFactory, SellerFactory


def test_pinyin_of_chinese_and_mixed_text():
    assert pinyin_full("安吉白茶") == "anjibaicha"
    assert pinyin_initials("安吉白茶") == "ajbc"
    assert pinyin_initials("iPhone 15 手机壳") == "iphone15sjk"
    assert query_as_pinyin("Bai Cha") == "baicha"
    assert query_as_pinyin("白茶") == ""


@pytest.fixture
def teas(in_county, seller, tea, vegetables):
    """Created oldest first; the newest wins ties."""
    cabbage = live(seller, "白菜", category=vegetables)  # baicai: initials bc too
    green = live(seller, "绿茶", category=tea, description="比白茶便宜的高山绿茶")
    hamper = live(seller, "白茶礼盒", category=tea)
    anji = live(seller, "安吉白茶", category=tea)
    exact = live(seller, "白茶", category=tea)
    ListingFactory(seller=seller, title="白茶新品", category=tea, submitted=True)
    ListingFactory(seller=seller, title="白茶旧品", category=tea, delisted=True)
    return {"cabbage": cabbage, "green": green, "hamper": hamper, "anji": anji, "exact": exact}


def _titles(results):
    return [listing.title for listing in results]


def test_chinese_query_ranks_exact_then_prefix_then_substring_then_description(teas):
    results = search_listings(q="白茶", limit=20)

    assert _titles(results) == ["白茶", "白茶礼盒", "安吉白茶", "绿茶"]
    assert [r.search_rank for r in results] == [
        SearchRank.TITLE_EXACT,
        SearchRank.TITLE_PREFIX,
        SearchRank.TITLE_SUBSTRING,
        SearchRank.OTHER_TEXT,
    ]


def test_full_pinyin_finds_white_tea_not_cabbage(teas):
    results = search_listings(q="baicha", limit=20)

    assert _titles(results) == ["白茶", "白茶礼盒", "安吉白茶"]
    assert {r.search_rank for r in results} == {SearchRank.PINYIN_FULL}


def test_initials_find_white_tea_and_cabbage_earliest_match_first(teas):
    results = search_listings(q="bc", limit=20)

    # bc: 白茶 and 白菜 exactly (newest first), then 白茶礼盒 (bclh), 安吉白茶 (ajbc)
    assert _titles(results) == ["白茶", "白菜", "白茶礼盒", "安吉白茶"]
    assert {r.search_rank for r in results} == {SearchRank.PINYIN_INITIALS}


def test_query_with_spaces_and_capitals(teas):
    assert _titles(search_listings(q="  Bai Cha ", limit=20)) == ["白茶", "白茶礼盒", "安吉白茶"]


def test_limit_is_respected(teas):
    assert _titles(search_listings(q="白茶", limit=2)) == ["白茶", "白茶礼盒"]


def test_village_and_seller_are_searchable_in_chinese_and_pinyin(in_county, tea):
    farmer = SellerFactory(name="王大伯")
    live(farmer, "明前龙井", category=tea, origin_village="黄杜村")

    assert _titles(search_listings(q="黄杜", limit=5)) == ["明前龙井"]
    assert _titles(search_listings(q="hdc", limit=5)) == ["明前龙井"]
    assert _titles(search_listings(q="wangdabo", limit=5)) == ["明前龙井"]


def test_search_entry_follows_title_changes(in_county, seller, tea):
    listing = live(seller, "高山云雾", category=tea)

    listing.title = "安吉白茶"
    listing.save()

    assert _titles(search_listings(q="bc", limit=5)) == ["安吉白茶"]
    assert search_listings(q="gsyw", limit=5) == []


def test_search_page_lists_ranked_results(teas, county_client):
    response = county_client.get("/search/", {"q": "bc"})

    assert response.status_code == 200
    assert [listing.title for listing in response.context["listings"]] == [
        "白茶",
        "白菜",
        "白茶礼盒",
        "安吉白茶",
    ]
    html = response.content.decode()
    assert html.index("白茶礼盒") < html.index("安吉白茶")
    assert f'href="/p/{teas["exact"].pk}/"' in html


def test_no_results_page_suggests_categories(in_county, county_client):
    response = county_client.get("/search/", {"q": "榴莲"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "没有找到与“榴莲”相关的商品。" in html
    assert 'href="/c/tea/"' in html
    assert 'href="/c/vegetables/"' in html
    assert response.context["listings"] == []


def test_other_countys_listings_are_never_found(teas, other_county, seller):
    with tenant_context(other_county):
        other = live(SellerFactory(name="淳安农户"), "千岛湖白茶")
        assert _titles(search_listings(q="白茶", limit=20)) == ["千岛湖白茶"]

    titles = _titles(search_listings(q="白茶", limit=20))
    assert "千岛湖白茶" not in titles
    assert other.pk not in [listing.pk for listing in search_listings(q="qdh", limit=20)]
