"""Finding one's way on a phone (390×844) by clicking only, from the home page (issue 14,
point 1): a resident finds white tea, puts it in the cart, signs in on the way to the
checkout and reaches their orders; a seller signs in from the header and reaches the seller
area, and comes back home by the breadcrumbs. No URL is typed after the home page.
Screenshots: tests/e2e/artifacts/wayfind-*.png."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import SmsCode, SmsOutbox, User
from county_sites.orders.models import Cart
from tests.e2e.conftest import in_county_a, login_code_sent_to, outside_the_browser
from tests.e2e.test_seller_browser import (  # noqa: F401  (fixtures)
    MOBILE as SELLER_MOBILE,
)
from tests.e2e.test_seller_browser import (  # noqa: F401  (fixtures)
    committed_seller,
    tasks_run_in_the_server,
)
from tests.e2e.test_storefront_browser import shop  # noqa: F401  (fixture)
from tests.fixtures.counties import COUNTY_A

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("compiled_messages")]

RESIDENT_MOBILE = "13700137091"


@in_county_a
def _resident_remove() -> None:
    Cart.objects.filter(user__mobile=RESIDENT_MOBILE).delete()  # lines cascade
    User.objects.filter(mobile=RESIDENT_MOBILE).delete()
    SmsCode.objects.filter(mobile=RESIDENT_MOBILE).delete()
    SmsOutbox.objects.filter(mobile=RESIDENT_MOBILE).delete()


@pytest.fixture
def resident_gone(live_site):
    outside_the_browser(_resident_remove)
    yield
    outside_the_browser(_resident_remove)


def _sign_in(phone, mobile: str) -> None:
    phone.locator("#id_mobile").fill(mobile)
    phone.get_by_role("button", name="获取验证码").click()
    phone.locator("#id_code").fill(outside_the_browser(login_code_sent_to, mobile=mobile))
    phone.get_by_role("button", name="登录", exact=True).click()


def _nav(phone):
    return phone.get_by_role("navigation", name="网站导航")


@pytest.mark.usefixtures("tasks_run_in_the_server", "resident_gone")
def test_resident_finds_tea_signs_in_at_checkout_and_reaches_their_orders(
    live_site,
    shop,  # noqa: F811  (the imported fixture)
    phone,
    screenshot,
):
    phone.goto(live_site.county_url(COUNTY_A.slug))
    expect(_nav(phone).get_by_role("link", name="登录")).to_be_visible()
    expect(_nav(phone).get_by_role("link", name="卖家中心")).to_have_count(0)
    screenshot(phone, "wayfind-01-home-anonymous")

    phone.get_by_role("link", name=re.compile("茶叶")).first.click()
    phone.wait_for_url(re.compile(r"/c/tea/$"))
    phone.get_by_role("link", name=re.compile("安吉白茶")).first.click()
    phone.wait_for_url(re.compile(rf"/p/{shop['安吉白茶']}/$"))
    crumbs = phone.get_by_role("navigation", name="位置")
    expect(crumbs).to_contain_text("首页 › 茶叶 › 安吉白茶")
    screenshot(phone, "wayfind-02-product")

    phone.get_by_role("button", name="加入购物车").click()
    phone.wait_for_url(re.compile(r"/cart/$"))
    expect(phone.locator(".cart-link .count")).to_have_text("1")
    screenshot(phone, "wayfind-03-cart")

    phone.get_by_role("link", name="去结算").click()
    phone.wait_for_url(re.compile(r"/account/login/\?next=/checkout/$"))
    _sign_in(phone, RESIDENT_MOBILE)
    phone.wait_for_url(re.compile(r"/checkout/$"))
    expect(_nav(phone).get_by_text("137****7091")).to_be_visible()
    expect(phone.locator(".cart-link .count")).to_have_text("1")
    screenshot(phone, "wayfind-04-checkout-signed-in")

    _nav(phone).get_by_role("link", name="我的订单").click()
    phone.wait_for_url(re.compile(r"/orders/$"))
    screenshot(phone, "wayfind-05-my-orders")

    phone.get_by_role("link", name="安吉县").first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("欢迎来到安吉县丰收购")
    _nav(phone).get_by_role("button", name="退出登录").click()
    expect(_nav(phone).get_by_role("link", name="登录")).to_be_visible()
    screenshot(phone, "wayfind-06-signed-out")


@pytest.mark.usefixtures("tasks_run_in_the_server", "committed_seller")
def test_seller_signs_in_from_the_header_and_reaches_the_seller_area(
    live_site,
    shop,  # noqa: F811  (the imported fixture)
    phone,
    screenshot,
):
    phone.goto(live_site.county_url(COUNTY_A.slug))
    _nav(phone).get_by_role("link", name="登录").click()
    phone.wait_for_url(re.compile(r"/account/login/\?next=/$"))
    _sign_in(phone, SELLER_MOBILE)
    phone.wait_for_url(re.compile(r"/$"))
    screenshot(phone, "wayfind-10-home-seller")

    _nav(phone).get_by_role("link", name="卖家中心").click()
    phone.wait_for_url(re.compile(r"/seller/$"))
    expect(phone.get_by_role("navigation", name="位置")).to_contain_text("首页 › 卖家中心")
    screenshot(phone, "wayfind-11-seller-home")

    phone.get_by_role("navigation", name="卖家菜单").get_by_role("link", name="订单").click()
    phone.wait_for_url(re.compile(r"/seller/orders/$"))
    expect(phone.get_by_role("navigation", name="位置")).to_contain_text("首页 › 卖家中心 › 订单")
    screenshot(phone, "wayfind-12-seller-orders")

    phone.get_by_role("navigation", name="位置").get_by_role("link", name="首页").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("欢迎来到安吉县丰收购")
    expect(_nav(phone).get_by_role("link", name="卖家中心")).to_be_visible()
