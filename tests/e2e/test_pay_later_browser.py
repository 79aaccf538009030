"""A resident with a credit line pays later in three instalments and sees the schedule, in a
real Chromium (issue 11's browser evidence): sign in by SMS code, checkout with 授信分期 and
3 期, the confirmation page with the exact schedule and cost, the paid order with its
schedule, and the account page with the line (limit, drawn, available). The county calls the
sandbox bank's credit API over HTTP on the live server. Screenshots:
tests/e2e/artifacts/paylater-*.png.

Everything is committed (the live server sees committed rows only) and removed afterwards,
ledger entries included (the trigger is off for that DELETE only, as in test_order_browser).
"""

import datetime as dt
import re

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accounts.models import SharingRecord, SmsCode, SmsOutbox, User
from accounts.tasks import sms_deliver
from county_sites.credit.models import CreditDraw, CreditInstalment, CreditLine
from county_sites.credit.services import credit_line_grant
from county_sites.ledger.models import LedgerEntry
from county_sites.orders.models import Cart, CartLine, Order
from county_sites.payments.models import PaymentSettings
from farmers.models import Listing, Seller
from hub.models import Category
from hub.taxonomy import Unit
from sandbox_bank.models import SandboxCreditDraw, SandboxMerchant
from service_points.models import ServicePoint
from tests.e2e.conftest import in_county_a, login_code_sent_to, outside_the_browser
from tests.fixtures.counties import COUNTY_A

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("compiled_messages")]

RESIDENT_MOBILE = "13900139011"
SELLER_MOBILE = "13700137011"
TITLE = "安吉白茶（e2e 分期）"
POINT_NAME = "递铺e2e分期服务点"


@in_county_a
def _data_create() -> dict:
    seller = Seller.objects.create(
        name="分期茶农", mobile=SELLER_MOBILE, mobile_verified_at=timezone.now(), village="黄杜村",
        consented_at=timezone.now(), consent_method=Seller.ConsentMethod.SELF_ON_PHONE,
    )  # fmt: skip
    listing = Listing.objects.create(
        seller=seller, title=TITLE, description="分期购买的白茶。",
        category=Category.objects.get(slug="tea"), unit=Unit.JIN, price_fen=12_800, stock=20,
        origin_village="黄杜村", state=Listing.State.APPROVED, submitted_at=timezone.now(),
        approved_at=timezone.now(),
    )  # fmt: skip
    ServicePoint.objects.create(
        name=POINT_NAME, village="递铺村", address="递铺街道 9 号", opening_hours="每天 8:00-20:00"
    )
    user = User.objects.create(username=f"resident-{RESIDENT_MOBILE}", mobile=RESIDENT_MOBILE)
    credit_line_grant(
        user=user, line_no="L-E2E-PAYLATER", limit_fen=100_000, rate_bp=1_200, fee_bp=100,
        term_choices=[1, 3, 6], expires_on=timezone.localdate() + dt.timedelta(days=365),
        source=CreditLine.Source.BANK_PUSH,
    )  # fmt: skip
    cart = Cart.objects.create(user=user)
    CartLine.objects.create(cart=cart, listing=listing, quantity=2)
    return {"merchants": list(PaymentSettings.objects.values_list("merchant_id", flat=True))}


@in_county_a
def _data_remove(*, merchants_before: list[str] | None = None) -> None:
    orders = Order.objects.filter(buyer__mobile=RESIDENT_MOBILE)
    draws = list(CreditDraw.objects.filter(order__in=orders).values_list("draw_no", flat=True))
    CreditInstalment.objects.filter(draw__order__in=orders).delete()
    CreditDraw.objects.filter(order__in=orders).delete()
    CreditLine.objects.filter(user__mobile=RESIDENT_MOBILE).delete()
    SharingRecord.objects.filter(user__mobile=RESIDENT_MOBILE).delete()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE ledger_ledgerentry DISABLE TRIGGER ledger_entry_immutable")
        LedgerEntry.objects.filter(order__in=orders).delete()
        cursor.execute("ALTER TABLE ledger_ledgerentry ENABLE TRIGGER ledger_entry_immutable")
    orders.delete()
    Cart.objects.filter(user__mobile=RESIDENT_MOBILE).delete()
    Listing.objects.filter(seller__mobile=SELLER_MOBILE).delete()
    Seller.objects.filter(mobile=SELLER_MOBILE).delete()
    ServicePoint.objects.filter(name=POINT_NAME).delete()
    User.objects.filter(mobile=RESIDENT_MOBILE).delete()
    for mobile in (RESIDENT_MOBILE, SELLER_MOBILE):
        SmsCode.objects.filter(mobile=mobile).delete()
        SmsOutbox.objects.filter(mobile=mobile).delete()
    opened = []
    if merchants_before is not None:
        opened = list(
            PaymentSettings.objects.exclude(merchant_id__in=merchants_before).values_list(
                "merchant_id", flat=True
            )
        )
        PaymentSettings.objects.filter(merchant_id__in=opened).delete()
    with schema_context("public"):
        SandboxCreditDraw.objects.filter(out_draw_no__in=draws).delete()
        SandboxMerchant.objects.filter(merchant_id__in=opened).delete()


@in_county_a
def _outcome() -> dict:
    order = Order.objects.get(buyer__mobile=RESIDENT_MOBILE)
    draw = CreditDraw.objects.get(order=order)
    with schema_context("public"):
        bank = SandboxCreditDraw.objects.get(out_draw_no=draw.draw_no).amount_fen
    return {
        "state": order.state,
        "payment_method": order.payment_method,
        "term": draw.term_months,
        "instalments": draw.instalments.count(),
        "bank_lent": bank,
        "ledger_payment": LedgerEntry.objects.get(order=order, kind="payment").provider,
    }


@pytest.fixture
def committed_line(live_site):
    outside_the_browser(_data_remove)
    created = outside_the_browser(_data_create)
    yield
    outside_the_browser(_data_remove, merchants_before=created["merchants"])


@pytest.fixture
def bank_over_http(live_site, settings, monkeypatch):
    settings.FENGSHOU_BANK_TRANSPORT = "http"
    settings.FENGSHOU_BANK_BASE_URL = live_site.hub_url.rstrip("/")
    monkeypatch.setattr(
        sms_deliver,
        "apply_async",
        lambda args=None, kwargs=None, **options: sms_deliver.apply(
            args=args, kwargs=kwargs, headers=options.get("headers")
        ),
    )


def test_a_resident_pays_later_in_three_instalments_and_sees_the_schedule(
    live_site, phone, screenshot, committed_line, bank_over_http
):
    county_url = live_site.county_url(COUNTY_A.slug)
    phone.goto(county_url + "account/login/?next=/checkout/")
    phone.locator("#id_mobile").fill(RESIDENT_MOBILE)
    phone.get_by_role("button", name="获取验证码").click()
    expect(phone.locator("#id_code")).to_be_visible()
    phone.locator("#id_code").fill(outside_the_browser(login_code_sent_to, mobile=RESIDENT_MOBILE))
    phone.get_by_role("button", name="登录", exact=True).click()
    phone.wait_for_url(county_url + "checkout/")

    phone.get_by_role("radio", name="服务点自提").check()
    phone.locator("label", has_text=POINT_NAME).click()
    phone.get_by_role("radio", name=re.compile("授信分期")).check()
    three = phone.locator("label", has_text="3 期")
    expect(three).to_contain_text("共还 ¥263.67")
    three.click()
    screenshot(phone, "paylater-01-checkout")
    phone.get_by_role("button", name="提交订单").click()

    expect(phone.locator("[data-total-cost]")).to_have_text("¥263.67")
    expect(phone.locator("[data-schedule] tbody tr")).to_have_count(3)
    screenshot(phone, "paylater-02-confirm-schedule")
    phone.get_by_role("button", name="确认用授信分期支付").click()

    phone.wait_for_url(re.compile(rf"^{re.escape(county_url)}orders/\w+/$"))
    expect(phone.locator("[data-state]")).to_have_attribute("data-state", "paid")
    expect(phone.locator("[data-credit-draw] tbody tr")).to_have_count(3)
    screenshot(phone, "paylater-03-order-schedule")

    phone.goto(county_url + "account/")
    expect(phone.locator("[data-drawn]")).to_have_text("¥256.00")
    expect(phone.locator("[data-available]")).to_have_text("¥744.00")
    screenshot(phone, "paylater-04-account")

    assert outside_the_browser(_outcome) == {
        "state": "paid",
        "payment_method": "credit_line",
        "term": 3,
        "instalments": 3,
        "bank_lent": 25_600,
        "ledger_payment": "credit_line",
    }
