"""The header and footer that give every role its way (issue 14, point 1): sign in/out, my
orders, the cart with its count, the seller area, the clerk console and the admin, each for
the role that has it; breadcrumbs; the trace page's way back; and the page cache never
keeping a signed-in visitor's name or cart."""

import pytest

from county_sites.orders.services import cart_line_set
from county_sites.storefront.page_cache import CACHE_HEADER
from farmers.models import Listing
from service_points.services import clerk_add
from tests.county_sites.conftest import live
from tests.county_sites.test_page_cache import page_cache_on  # noqa: F401  (fixture)
from tests.factories.farmers import SellerFactory, TraceabilityBatchFactory
from tests.factories.orders import ResidentFactory
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.counties import SchemaKeepingClient, host_of

LOGIN = '<a class="site-login" href="/account/login/?next=/">登录</a>'
ORDERS = '<a href="/orders/">我的订单</a>'
SELLER_AREA = '<a href="/seller/">卖家中心</a>'
CLERK_CONSOLE = '<a href="/clerk/">店员工作台</a>'
ADMIN = '<a href="/admin/">管理后台</a>'
LOGOUT = '<form class="site-logout" action="/account/logout/" method="post">'


def _nav(html: str) -> str:
    start = html.index('<nav class="site-nav"')
    return html[start : html.index("</nav>", start)]


def _footer(html: str) -> str:
    return html[html.index('<footer class="foot">') : html.index("</footer>")]


def _links(html: str) -> dict[str, bool]:
    nav = _nav(html)
    return {
        "login": LOGIN in nav,
        "orders": ORDERS in nav,
        "seller": SELLER_AREA in nav,
        "clerk": CLERK_CONSOLE in nav,
        "admin": ADMIN in nav,
        "logout": LOGOUT in nav,
    }


@pytest.fixture
def shop(in_county, tea):
    seller = SellerFactory(name="白茶合作社")
    return seller, live(seller, "安吉白茶", category=tea, price_fen=12_800, stock=20)


@pytest.fixture
def resident(in_county):
    return ResidentFactory(username="buyer-nav", mobile="13700000091", first_name="")


def test_anonymous_visitor_gets_sign_in_orders_and_cart_and_nothing_of_a_role(
    in_county, county_client
):
    html = county_client.get("/").content.decode()

    assert _links(html) == {
        "login": True, "orders": True, "seller": False, "clerk": False, "admin": False,
        "logout": False,
    }  # fmt: skip
    assert '<a class="cart-link" href="/cart/">购物车</a>' in html
    footer = _footer(html)
    for link in ('href="/"', 'href="/cart/"', 'href="/orders/"', 'href="/seller/"'):
        assert link in footer
    assert '<a href="/admin/login/">工作人员登录</a>' in footer


def test_signed_in_resident_sees_their_orders_cart_count_and_sign_out(
    shop, resident, county_client
):
    cart_line_set(user=resident, listing_id=shop[1].pk, quantity=3)
    county_client.force_login(resident)

    html = county_client.get("/").content.decode()

    assert _links(html) == {
        "login": False, "orders": True, "seller": False, "clerk": False, "admin": False,
        "logout": True,
    }  # fmt: skip
    assert '<span class="who">137****0091</span>' in _nav(html)
    assert '购物车 <span class="count">1</span></a>' in html


@pytest.mark.parametrize("path", ["/", "/c/tea/", "/orders/", "/account/login/"])
def test_seller_gets_the_seller_area_from_every_page(shop, county_client, path):
    seller = shop[0]
    county_client.force_login(seller.user)

    links = _links(county_client.get(path).content.decode())

    assert links["seller"] is True
    assert (links["clerk"], links["admin"], links["login"]) == (False, False, False)


def test_product_page_frame_links_the_seller_area_too(shop, county_client):
    seller, listing = shop
    county_client.force_login(seller.user)

    links = _links(county_client.get(f"/p/{listing.pk}/").content.decode())

    assert (links["seller"], links["logout"]) == (True, True)


def test_clerk_gets_the_clerk_console(in_county, operator, county_client):
    clerk = clerk_add(
        actor=operator, mobile="13700137555", name="王芳", point=ServicePointFactory()
    )
    county_client.force_login(clerk.user)

    links = _links(county_client.get("/").content.decode())

    assert (links["clerk"], links["seller"], links["admin"]) == (True, False, False)


def test_a_deactivated_clerk_no_longer_gets_the_console_link(in_county, operator, county_client):
    clerk = clerk_add(
        actor=operator, mobile="13700137556", name="李强", point=ServicePointFactory()
    )
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    county_client.force_login(clerk.user)

    assert _links(county_client.get("/").content.decode())["clerk"] is False


def test_operator_gets_the_admin(in_county, operator, county_client):
    county_client.force_login(operator)

    links = _links(county_client.get("/").content.decode())

    assert (links["admin"], links["seller"], links["clerk"]) == (True, False, False)


def test_other_countys_seller_is_a_stranger_here(shop, other_county, county_client):
    """Users are per county: county A's seller is signed in to A only; on county B's host the
    same browser is anonymous and gets no seller link."""
    county_client.force_login(shop[0].user)
    other = SchemaKeepingClient(HTTP_HOST=host_of(other_county), county=other_county)
    other.cookies = county_client.cookies

    links = _links(other.get("/").content.decode())

    assert (links["seller"], links["logout"], links["login"]) == (False, False, True)


@pytest.mark.usefixtures("page_cache_on")
def test_cached_pages_never_carry_a_signed_in_name_or_cart(shop, resident, county, db):
    listing = shop[1]
    signed_in = SchemaKeepingClient(HTTP_HOST=host_of(county), county=county)
    cart_line_set(user=resident, listing_id=listing.pk, quantity=2)
    signed_in.force_login(resident)
    with_session_cart = SchemaKeepingClient(HTTP_HOST=host_of(county), county=county)
    with_session_cart.post("/cart/add/", {"listing": listing.pk, "quantity": 2})

    for path in ("/", "/c/tea/", f"/p/{listing.pk}/"):
        # The signed-in and session-cart visitors come first: nothing of theirs is stored.
        mine = signed_in.get(path)
        theirs = with_session_cart.get(path)
        assert CACHE_HEADER not in mine and CACHE_HEADER not in theirs, path
        assert "137****0091" in mine.content.decode()
        assert '<span class="count">1</span>' in theirs.content.decode()

        anonymous = SchemaKeepingClient(HTTP_HOST=host_of(county), county=county)
        first, second = anonymous.get(path), anonymous.get(path)

        assert (first[CACHE_HEADER], second[CACHE_HEADER]) == ("miss", "hit"), path
        html = second.content.decode()
        assert "137****0091" not in html
        assert 'class="count"' not in html
        assert LOGOUT not in html
        assert f'<a class="site-login" href="/account/login/?next={path}">' in html


def test_category_and_product_breadcrumbs(shop, county_client):
    listing = shop[1]

    category = county_client.get("/c/tea/").content.decode()
    product = county_client.get(f"/p/{listing.pk}/").content.decode()

    assert '<a href="/">首页</a> › <span aria-current="page">茶叶</span></nav>' in category
    assert (
        '<a href="/">首页</a> › <a href="/c/tea/">茶叶</a> › '
        '<span aria-current="page">安吉白茶</span></nav>'
    ) in product
    assert f'<a href="/s/{shop[0].pk}/">白茶合作社</a>' in product


def test_seller_shop_lists_only_approved_listings(shop, tea, county_client):
    seller, listing = shop
    live(seller, "明前白茶", category=tea)
    Listing.objects.create(
        seller=seller, title="草稿茶", category=tea, unit="jin", price_fen=100, stock=1
    )

    html = county_client.get(f"/s/{seller.pk}/").content.decode()

    assert '<a href="/">首页</a> › <span aria-current="page">白茶合作社</span>' in html
    assert "安吉白茶" in html and "明前白茶" in html
    assert "草稿茶" not in html


def test_seller_shop_of_a_seller_with_nothing_approved_is_a_404(in_county, county_client):
    seller = SellerFactory(name="新农户")

    assert county_client.get(f"/s/{seller.pk}/").status_code == 404
    assert county_client.get("/s/999999/").status_code == 404


def test_seller_shop_of_another_county_is_a_404(shop, other_county):
    other = SchemaKeepingClient(HTTP_HOST=host_of(other_county), county=other_county)

    assert other.get(f"/s/{shop[0].pk}/").status_code == 404


def test_trace_page_links_back_to_the_product_and_the_shop(shop, county_client):
    seller, listing = shop
    batch = TraceabilityBatchFactory(listing=listing)

    html = county_client.get(f"/trace/{batch.code}/").content.decode()

    assert (
        f'<a href="/">首页</a> › <a href="/s/{seller.pk}/">白茶合作社</a> › '
        f'<a href="/p/{listing.pk}/">安吉白茶</a> › <span aria-current="page">溯源</span>'
    ) in html
    assert f'<a class="co-submit" href="/p/{listing.pk}/">查看并购买这件商品</a>' in html
    assert f'<a href="/s/{seller.pk}/">白茶合作社的店铺</a>' in html
    assert f'<a class="site-login" href="/account/login/?next=/trace/{batch.code}/">' in html
    assert '<nav class="site-nav"' in html


def test_trace_page_of_a_delisted_product_sends_home_instead(shop, county_client):
    _seller, listing = shop
    batch = TraceabilityBatchFactory(listing=listing)
    Listing.objects.filter(pk=listing.pk).update(state=Listing.State.DELISTED)

    html = county_client.get(f"/trace/{batch.code}/").content.decode()

    assert f'href="/p/{listing.pk}/"' not in html
    assert "这件商品目前不在售。" in html


@pytest.mark.parametrize("path", ["/account/login/", "/seller/", "/clerk/"])
def test_brand_follows_the_page_language_on_every_county_page(shop, county_client, path):
    county_client.force_login(shop[0].user)

    english = county_client.get(path, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    chinese = county_client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)

    assert '<a class="home" href="/">Anji County</a>' in english.content.decode()
    assert '<a class="home" href="/">安吉县</a>' in chinese.content.decode()
