"""The operator prepares a point's delivery in the county Wagtail admin and dispatches it; the
point's clerk, on the store's tablet (820×1180), receives it with one line short; the buyer's
SMS carries the pickup code and says the short line is not charged. In a real Chromium, with
JavaScript off and on (issue 9's browser evidence, points 6 and 7).

A cash order, so nothing reaches the (immutable) ledger before the hand-over. Everything the
run writes is committed (the live server only sees committed rows) and removed afterwards.
Screenshots go to tests/e2e/artifacts/delivery-*.png: look at them after a layout change.
"""

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import SmsCode, SmsOutbox, User
from accounts.tasks import sms_deliver
from county_sites.orders.models import Order, PointDelivery
from farmers.models import Listing, Seller
from hub.models import Category
from hub.taxonomy import Unit
from service_points.models import Clerk, ServicePoint, ShelfPosition
from tests.e2e.conftest import TABLET, in_county_a, login_code_sent_to, outside_the_browser
from tests.fixtures.counties import COUNTY_A, OPERATOR_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("compiled_messages")]

BUYER_MOBILE = "13900139015"
CLERK_MOBILE = "13700137015"
SELLER_MOBILE = "13700137016"
POINT_NAME = "递铺e2e收货服务点"
PLACE = "县城物流中心"


@in_county_a
def _data_create() -> dict:
    from county_sites.orders.services import order_place
    from service_points.services import clerk_add, shelf_position_create

    operator = User.objects.get(username="operator")
    seller = Seller.objects.create(
        name="e2e竹笋农户",
        mobile=SELLER_MOBILE,
        mobile_verified_at=timezone.now(),
        village="黄杜村",
        consented_at=timezone.now(),
        consent_method=Seller.ConsentMethod.SELF_ON_PHONE,
    )

    def listing(title, price_fen):
        now = timezone.now()
        return Listing.objects.create(
            seller=seller, title=title, description="e2e", unit=Unit.JIN,
            category=Category.objects.get(slug="tea"), price_fen=price_fen, stock=50,
            origin_village="黄杜村",
            state=Listing.State.APPROVED, submitted_at=now, approved_at=now,
        )  # fmt: skip

    tea, shoots = listing("e2e安吉白茶", 12_800), listing("e2e鲜竹笋", 650)
    point = ServicePoint.objects.create(
        name=POINT_NAME, village="递铺村", address="递铺街道 9 号", opening_hours="每天 8:00-20:00"
    )
    for label in ("A-1", "A-2"):
        shelf_position_create(actor=operator, point=point, label=label)
    clerk_add(actor=operator, mobile=CLERK_MOBILE, name="王芳", point=point)
    buyer = User.objects.create(username=f"resident-{BUYER_MOBILE}", mobile=BUYER_MOBILE)
    order = order_place(
        buyer=buyer, lines=[(tea, 1), (shoots, 2)], fulfilment=Order.Fulfilment.PICKUP,
        payment_method=Order.PaymentMethod.CASH_ON_PICKUP, idempotency_key=uuid.uuid4().hex,
        service_point=point,
    )  # fmt: skip
    return {"point": point.pk, "order": order.number, "code": order.pickup_code}


@in_county_a
def _data_remove() -> None:
    points = ServicePoint.objects.filter(name=POINT_NAME)
    Order.objects.filter(buyer__mobile=BUYER_MOBILE).delete()  # lines and events cascade
    PointDelivery.objects.filter(point__in=points).delete()
    ShelfPosition.objects.filter(point__in=points).delete()
    Clerk.objects.filter(point__in=points).delete()
    points.delete()
    Listing.objects.filter(seller__mobile=SELLER_MOBILE).delete()
    Seller.objects.filter(mobile=SELLER_MOBILE).delete()
    for mobile in (BUYER_MOBILE, CLERK_MOBILE, SELLER_MOBILE):
        User.objects.filter(mobile=mobile).delete()
        SmsCode.objects.filter(mobile=mobile).delete()
        SmsOutbox.objects.filter(mobile=mobile).delete()


@in_county_a
def _outcome(*, number: str) -> dict:
    order = Order.objects.get(number=number)
    return {
        "state": order.state,
        "shelf": order.shelf_position.label if order.shelf_position else None,
        "arrivals": list(order.lines.order_by("pk").values_list("title", "arrival")),
        "delivery": order.point_delivery.state,
        "sms": SmsOutbox.objects.filter(mobile=BUYER_MOBILE).order_by("pk").last().text,
    }


@pytest.fixture
def committed_delivery(live_site, monkeypatch):
    # Texts are "sent" at once in whichever thread queues them (no worker, nothing in Redis).
    monkeypatch.setattr(
        sms_deliver,
        "apply_async",
        lambda args=None, kwargs=None, **options: sms_deliver.apply(
            args=args, kwargs=kwargs, headers=options.get("headers")
        ),
    )
    outside_the_browser(_data_remove)  # a run that died half way
    yield outside_the_browser(_data_create)
    outside_the_browser(_data_remove)


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
def test_operator_dispatches_and_the_clerk_receives_with_one_line_short(
    live_site, browser, screenshot, committed_delivery, javascript
):
    county_url = live_site.county_url(COUNTY_A.slug)
    tag = "js" if javascript else "nojs"
    day = timezone.localdate() + dt.timedelta(days=1)

    def tablet():
        context = browser.new_context(
            viewport=TABLET, locale="zh-CN", timezone_id="Asia/Shanghai",
            java_script_enabled=javascript,
        )  # fmt: skip
        page = context.new_page()
        page.set_default_timeout(15_000)
        return context, page

    # The operator plans the point's delivery for tomorrow, prepares the order and dispatches.
    operator_context, admin = tablet()
    try:
        admin.goto(county_url + "admin/deliveries/")
        admin.locator("#id_username").fill("operator")
        admin.locator("#id_password").fill(OPERATOR_PASSWORD)
        admin.locator("form button[type=submit]").click()
        admin.wait_for_url(re.compile(r"/admin/deliveries/$"))
        admin.locator("#d-point").select_option(label=f"{POINT_NAME}（递铺村）")
        admin.locator("#d-day").fill(day.isoformat())
        admin.locator("#d-place").fill(PLACE)
        admin.get_by_role("button", name="创建配送单").click()
        admin.wait_for_url(re.compile(r"/admin/deliveries/\d+/$"))
        admin.get_by_role("button", name="全部备货并加入").click()
        expect(admin.locator("[data-manifest]")).to_contain_text(committed_delivery["order"])
        expect(admin.locator("[data-total]")).to_have_text("¥141.00")
        screenshot(admin, f"delivery-01-manifest-{tag}")
        admin.get_by_role("button", name="发出配送单").click()
        expect(admin.locator("h1 [data-state]")).to_have_text("已发出")
    finally:
        operator_context.close()

    # The clerk signs in on the store's tablet and receives it: 鲜竹笋 short.
    clerk_context, clerk = tablet()
    try:
        clerk.goto(county_url + "clerk/")
        clerk.locator("#id_mobile").fill(CLERK_MOBILE)
        clerk.get_by_role("button", name="获取验证码").click()
        expect(clerk.locator("#id_code")).to_be_visible()
        clerk.locator("#id_code").fill(outside_the_browser(login_code_sent_to, mobile=CLERK_MOBILE))
        clerk.get_by_role("button", name="登录", exact=True).click()
        clerk.wait_for_url(county_url + "clerk/")
        clerk.get_by_role("link", name=re.compile("收货")).click()
        clerk.get_by_role("link", name="开始收货").click()
        screenshot(clerk, f"delivery-02-receive-form-{tag}")
        clerk.get_by_role("radiogroup", name="e2e鲜竹笋").get_by_text("缺货").click()
        screenshot(clerk, f"delivery-03-one-short-{tag}")
        clerk.get_by_role("button", name="确认收货").click()
        expect(clerk.locator("[data-received]")).to_be_visible()
        expect(clerk.locator(".c-arrival-short")).to_contain_text("e2e鲜竹笋 × 2 斤 · 缺货")
        screenshot(clerk, f"delivery-04-received-{tag}")
    finally:
        clerk_context.close()

    outcome = outside_the_browser(_outcome, number=committed_delivery["order"])
    assert outcome["state"] == "at_service_point"
    assert outcome["shelf"] == "A-1"
    assert outcome["arrivals"] == [("e2e安吉白茶", "received"), ("e2e鲜竹笋", "short")]
    assert outcome["delivery"] == "received"
    assert f"取货码 {committed_delivery['code']}" in outcome["sms"]
    assert outcome["sms"].startswith(f"【丰收】您的包裹已到{POINT_NAME}（货架 A-1）")
    assert outcome["sms"].endswith("其中e2e鲜竹笋缺货或破损，不收这部分钱，取货时付 128.00 元。")
