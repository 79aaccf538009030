"""The product page is rendered by Jinja2 (docs/adr/0011): the same frame as the Django pages,
escaping, both languages, and one CSRF token per page that the cart accepts."""

import datetime as dt
import re

import pytest

from hub.taxonomy import Unit
from tests.county_sites.conftest import live
from tests.factories.farmers import ListingFactory, TraceabilityBatchFactory
from tests.fixtures.counties import SchemaKeepingClient, host_of

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEXT = re.compile(r'name="next" type="hidden" value="[^"]*"')


def _frame(html: str) -> dict[str, str]:
    """What every storefront page shares: the header, the search form and the footer, with the
    per-request values (masked CSRF token, the path to come back to) blanked."""
    html = NEXT.sub('name="next" value=""', TOKEN.sub('name="csrfmiddlewaretoken" value=""', html))

    def part(start: str, end: str) -> str:
        begin = html.index(start)
        return html[begin : html.index(end, begin) + len(end)]

    return {
        "lang": part("<html", ">"),
        "header": part('<header class="bar">', "</header>"),
        "search": part('<form class="search"', "</form>"),
        "footer": part('<footer class="foot">', "</footer>"),
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_product_page_frame_is_the_django_pages_frame(
    in_county, seller, tea, county_client, language
):
    """The Jinja2 frame (county_sites/storefront/jinja2/county_sites/storefront_base.html)
    copies the Django one (templates/base.html + storefront_base.html): any drift shows here."""
    listing = live(seller, "安吉白茶", category=tea)
    county_client.post("/cart/add/", {"listing": listing.pk, "quantity": 3})  # a cart count
    headers = {"HTTP_ACCEPT_LANGUAGE": language}

    product = county_client.get(f"/p/{listing.pk}/", **headers).content.decode()
    category = county_client.get("/c/tea/", **headers).content.decode()

    assert _frame(product) == _frame(category)
    assert '<span class="count">1</span>' in _frame(product)["header"]
    assert f'<html lang="{language}">' in product


@pytest.fixture
def spring_tea(in_county, seller, tea):
    """Sold by the jin, at least 2, picked 1-20 April."""
    return live(
        seller,
        "安吉白茶",
        category=tea,
        unit=Unit.JIN,
        min_order_qty=2,
        stock=50,
        harvest_start=dt.date(2026, 4, 1),
        harvest_end=dt.date(2026, 4, 20),
        description="明前采摘。",
    )


def test_product_page_in_english(spring_tea, county_client):
    listing = spring_tea
    batch = TraceabilityBatchFactory(listing=listing)

    html = county_client.get(f"/p/{listing.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<title>安吉白茶 · Anji County</title>" in html
    assert '<a class="home" href="/">Anji County</a>' in html
    assert '>Tea</a> › <span aria-current="page">' in html
    assert "Minimum order: 2 jin (500 g)" in html
    assert "<dt>Harvest period</dt><dd>April 1 – April 20</dd>" in html
    assert f"See where batch {batch.batch_code} comes from" in html
    assert '<button type="submit">Add to cart</button>' in html
    shop = f'<a href="/s/{listing.seller.pk}/">王大伯</a>'
    assert f"<dt>Seller</dt><dd>{shop} (Farmer)</dd>" in html
    assert "<h2>About this product</h2>" in html
    assert "起订" not in html and "购物车" not in html


def test_product_page_in_chinese_shows_dates_and_minimum_order(spring_tea, county_client):
    html = county_client.get(f"/p/{spring_tea.pk}/").content.decode()

    assert " · 2斤起订</p>" in html
    assert "<dt>采收期</dt><dd>4月1日 – 4月20日</dd>" in html
    assert 'min="2" max="50" value="2"' in html


def test_product_page_escapes_what_sellers_typed(in_county, seller, tea, county_client):
    listing = live(
        seller,
        '<b>茶</b>"',
        category=tea,
        origin_village="<i>村</i>",
        description="第一行\n<script>alert(1)</script>",
    )

    html = county_client.get(f"/p/{listing.pk}/").content.decode()

    assert "<h1>&lt;b&gt;茶&lt;/b&gt;&#34;</h1>" in html  # markupsafe writes " as &#34;
    assert 'alt="&lt;b&gt;茶&lt;/b&gt;&quot;"' in html
    assert "<dd>&lt;i&gt;村&lt;/i&gt;</dd>" in html
    assert '<p class="desc">第一行<br>&lt;script&gt;alert(1)&lt;/script&gt;</p>' in html
    assert "<script>" not in html and "<b>" not in html


def test_product_page_without_photos_shows_a_placeholder(in_county, seller, tea, county_client):
    listing = ListingFactory(seller=seller, title="鸡蛋", category=tea, approved=True)

    html = county_client.get(f"/p/{listing.pk}/").content.decode()

    assert '<span class="ph ph-large" role="img" aria-label="鸡蛋"></span>' in html
    assert "<img" not in html.split("<h1>")[0].split("</form>")[-1]


def test_one_csrf_token_per_page_and_the_cart_accepts_it(in_county, seller, tea, county):
    listing = live(seller, "安吉白茶", category=tea, stock=50)
    client = SchemaKeepingClient(HTTP_HOST=host_of(county), county=county, enforce_csrf_checks=True)

    html = client.get(f"/p/{listing.pk}/").content.decode()
    tokens = TOKEN.findall(html)
    added = client.post(
        "/cart/add/", {"listing": listing.pk, "quantity": 2, "csrfmiddlewaretoken": tokens[1]}
    )
    refused = client.post(
        "/cart/add/", {"listing": listing.pk, "quantity": 2, "csrfmiddlewaretoken": "x" * 64}
    )

    assert len(tokens) == 2 and tokens[0] == tokens[1]  # language switch, add to cart
    assert added.status_code == 303
    assert refused.status_code == 403
    assert client.session["orders_cart"] == {str(listing.pk): 2}
