"""A resident on a phone finds tea by searching `bc`, orders it for pickup, pays in the sandbox
bank and sees the order as paid, in a real Chromium (issue 4's browser evidence).

The resident signs in with an SMS code (read from the outbox table, as they would read their
phone). Checkout sends the browser to the SANDBOX BANK's pay page on the hub host
(http://localhost:<port>/sandbox-bank/pay/<token>/); the county talks to the bank over HTTP
(FENGSHOU_BANK_TRANSPORT="http") at the live server, and the bank's notify is POSTed, signed,
over HTTP to the county's notify URL on the same live server, where it goes through the same
verification as any notify (signature, amount, nonce). The notify runs in the server thread
when the bank commits the payment (Celery's apply(), no worker), so it has reached the county
before the bank sends the resident back. Screenshots at each step go to
tests/e2e/artifacts/order-*.png: look at them after a layout change.

Everything the run writes is committed (the live server only sees committed rows) and removed
afterwards, ledger entries included: they are immutable through a trigger refusing UPDATE and
DELETE, which the cleanup disables for its own DELETE only, inside one transaction.
"""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image
from playwright.sync_api import expect

from accounts.models import SmsCode, SmsOutbox, User
from accounts.tasks import sms_deliver
from county_sites.ledger.models import LedgerEntry
from county_sites.orders.models import Cart, Order
from county_sites.payments.models import NotifyNonce, Payment, PaymentSettings
from farmers.models import Listing, ListingPhoto, Seller
from farmers.services import listing_photo_renditions_make
from hub.models import Category, County
from hub.taxonomy import Unit
from sandbox_bank.models import SandboxMerchant, SandboxTransaction
from sandbox_bank.tasks import sandbox_notify_deliver
from service_points.models import ServicePoint
from tests.e2e.conftest import in_county_a, login_code_sent_to, outside_the_browser
from tests.fixtures.counties import COUNTY_A

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("compiled_messages")]

RESIDENT_MOBILE = "13900139004"
SELLER_MOBILE = "13700137004"
TITLE = "安吉白茶（e2e 明前特级）"
POINT_NAME = "递铺街道e2e服务点"
POINT_HOURS = "每天 8:00-20:00"
PRICE_FEN = 12_800
STOCK = 20


def _jpeg() -> bytes:
    """Something tea-green, phone-photo sized."""
    image = Image.new("RGB", (1200, 900), (74, 130, 60))
    image.paste((200, 220, 150), (250, 200, 950, 700))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


@in_county_a
def _data_create() -> dict:
    """A seller with an approved listing with a photo, a service point, a resident; and what
    merchant accounts existed (the first online payment opens one)."""
    seller = Seller.objects.create(
        name="章大姐",
        mobile=SELLER_MOBILE,
        mobile_verified_at=timezone.now(),
        village="黄杜村",
        consented_at=timezone.now(),
        consent_method=Seller.ConsentMethod.SELF_ON_PHONE,
    )
    listing = Listing.objects.create(
        seller=seller,
        title=TITLE,
        description="黄杜村高山茶园，清明前手工采摘。",
        category=Category.objects.get(slug="tea"),
        unit=Unit.JIN,
        price_fen=PRICE_FEN,
        stock=STOCK,
        origin_village="黄杜村",
        state=Listing.State.APPROVED,
        submitted_at=timezone.now(),
        approved_at=timezone.now(),
    )
    photo = ListingPhoto(listing=listing, position=0)
    photo.original.save("IMG_20260402_081500.jpg", ContentFile(_jpeg()), save=True)
    listing_photo_renditions_make(photo_id=photo.pk)
    ServicePoint.objects.create(
        name=POINT_NAME,
        village="递铺村",
        address="递铺街道胜利西路 8 号",
        opening_hours=POINT_HOURS,
        phone="0572-5551234",
    )
    User.objects.create(username=f"resident-{RESIDENT_MOBILE}", mobile=RESIDENT_MOBILE)
    return {"merchants": list(PaymentSettings.objects.values_list("merchant_id", flat=True))}


@in_county_a
def _data_remove(*, merchants_before: list[str] | None = None) -> None:
    orders = Order.objects.filter(buyer__mobile=RESIDENT_MOBILE)
    numbers = list(orders.values_list("number", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        # Ledger entries are immutable for everyone else (county_sites/ledger migration 0003);
        # the trigger is off for this DELETE only and back on before the transaction ends.
        # Rows referencing entries (a till close's difference) are checked at once, not at
        # commit: PostgreSQL refuses ALTER TABLE while such checks are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE ledger_ledgerentry DISABLE TRIGGER ledger_entry_immutable")
        LedgerEntry.objects.filter(order__in=orders).delete()
        cursor.execute("ALTER TABLE ledger_ledgerentry ENABLE TRIGGER ledger_entry_immutable")
    NotifyNonce.objects.filter(order_number__in=numbers).delete()
    Payment.objects.filter(order__in=orders).delete()
    orders.delete()  # lines and events cascade
    Cart.objects.filter(user__mobile=RESIDENT_MOBILE).delete()
    Listing.objects.filter(seller__mobile=SELLER_MOBILE).delete()  # photos cascade
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
        SandboxTransaction.objects.filter(out_trade_no__in=numbers).delete()
        SandboxMerchant.objects.filter(merchant_id__in=opened).delete()


def _bank_trades() -> int:
    with schema_context("public"):
        return SandboxTransaction.objects.count()


@in_county_a
def _leftovers() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'ledger_entry_immutable'"
            " AND tgrelid = 'ledger_ledgerentry'::regclass"
        )
        trigger = cursor.fetchone()[0]
    return {
        "orders": Order.objects.filter(buyer__mobile=RESIDENT_MOBILE).count(),
        "ledger": LedgerEntry.objects.filter(seller__mobile=SELLER_MOBILE).count(),
        "listings": Listing.objects.filter(seller__mobile=SELLER_MOBILE).count(),
        "users": User.objects.filter(mobile=RESIDENT_MOBILE).count(),
        "merchants": sorted(PaymentSettings.objects.values_list("merchant_id", flat=True)),
        "bank_trades": _bank_trades(),
        "trigger": trigger,  # "O": enabled again
    }


@in_county_a
def _outcome() -> dict:
    order = Order.objects.get(buyer__mobile=RESIDENT_MOBILE)
    with schema_context("public"):
        trade = SandboxTransaction.objects.get(out_trade_no=order.number)
        trade_state = (trade.state, trade.notify_attempts, trade.notified_at is not None)
    connection.set_tenant(County.objects.get(slug=COUNTY_A.slug))
    return {
        "state": order.state,
        "fulfilment": order.fulfilment,
        "service_point": order.service_point.name,
        "payment_method": order.payment_method,
        "total_fen": order.total_fen,
        "payment": order.payment.state,
        # A nonce is only stored once a notify passed every check (signature, amount, age).
        "notifies_accepted": NotifyNonce.objects.filter(order_number=order.number).count(),
        "bank": trade_state,
        "stock_left": Listing.objects.get(seller__mobile=SELLER_MOBILE).stock,
        "ledger_kinds": sorted(
            set(LedgerEntry.objects.filter(order=order).values_list("kind", flat=True))
        ),
    }


@pytest.fixture
def committed_shop(live_site):
    outside_the_browser(_data_remove)  # a run that died half way
    created = outside_the_browser(_data_create)
    trades_before = outside_the_browser(_bank_trades)
    yield
    merchants = created["merchants"]
    outside_the_browser(_data_remove, merchants_before=merchants)
    assert outside_the_browser(_leftovers) == {
        "orders": 0,
        "ledger": 0,
        "listings": 0,
        "users": 0,
        "merchants": sorted(merchants),
        "bank_trades": trades_before,
        "trigger": "O",
    }


@pytest.fixture
def bank_over_http(live_site, settings, monkeypatch):
    """The county calls the sandbox bank's API over HTTP on the live server's hub host, and the
    bank's notify (and the SMS) are done in the server thread as soon as they are queued."""
    settings.FENGSHOU_BANK_TRANSPORT = "http"
    settings.FENGSHOU_BANK_BASE_URL = live_site.hub_url.rstrip("/")
    # The notify and return URLs use the configured public port (hub.selectors
    # .county_public_url): here, the live server's.
    settings.FENGSHOU_PUBLIC_PORT = str(live_site.port)

    def run_now(task):
        def apply_now(args=None, kwargs=None, **options):
            return task.apply(args=args, kwargs=kwargs, headers=options.get("headers"))

        return apply_now

    for task in (sms_deliver, sandbox_notify_deliver):
        monkeypatch.setattr(task, "apply_async", run_now(task))


@pytest.fixture
def shot(screenshot):
    """A screenshot once the page's eager images are done (loaded or failed)."""

    def save(page, name: str):
        page.wait_for_function(
            "() => [...document.images].filter(img => img.loading !== 'lazy')"
            ".every(img => img.complete)"
        )
        return screenshot(page, name)

    return save


def test_resident_searches_orders_for_pickup_pays_in_the_bank_and_sees_it_paid(
    live_site, phone, shot, committed_shop, bank_over_http
):
    county_url = live_site.county_url(COUNTY_A.slug)

    # Sign in with an SMS code.
    phone.goto(county_url + "account/login/?next=/")
    phone.locator("#id_mobile").fill(RESIDENT_MOBILE)
    phone.get_by_role("button", name="获取验证码").click()
    expect(phone.locator("#id_code")).to_be_visible()
    phone.locator("#id_code").fill(outside_the_browser(login_code_sent_to, mobile=RESIDENT_MOBILE))
    shot(phone, "order-01-login-code")
    phone.get_by_role("button", name="登录", exact=True).click()
    phone.wait_for_url(county_url)

    # Search by initials.
    phone.get_by_role("searchbox").fill("bc")
    shot(phone, "order-02-home-search")
    phone.get_by_role("button", name="搜索", exact=True).click()
    phone.wait_for_url(county_url + "search/?q=bc")
    result = phone.get_by_role("link", name=re.compile(re.escape(TITLE))).first
    expect(result).to_be_visible()
    shot(phone, "order-03-search-results")
    result.click()

    # The product page, with its photo served from the county's media.
    expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
    phone.wait_for_function(
        "() => { const img = document.querySelector('.product img');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    phone.get_by_label("数量").fill("2")
    shot(phone, "order-04-product")
    phone.get_by_role("button", name="加入购物车").click()

    # The cart, counted in the header.
    phone.wait_for_url(county_url + "cart/")
    expect(phone.locator(".cart-link .count")).to_have_text("1")
    expect(phone.get_by_text("¥256.00").first).to_be_visible()
    shot(phone, "order-05-cart")
    phone.get_by_role("link", name="去结算").click()

    # Checkout: pickup at the service point (with its hours), pay online.
    phone.wait_for_url(county_url + "checkout/")
    phone.get_by_role("radio", name="服务点自提").check()
    point = phone.locator("label", has_text=POINT_NAME)
    expect(point).to_contain_text(POINT_HOURS)
    point.click()
    expect(point.get_by_role("radio")).to_be_checked()
    phone.get_by_role("radio", name="在线支付").check()
    expect(phone.locator(".co-total")).to_contain_text("¥256.00")
    shot(phone, "order-06-checkout")
    phone.get_by_role("button", name="提交订单").click()

    # The sandbox bank's pay page on the hub host.
    phone.wait_for_url(re.compile(rf"^{re.escape(live_site.hub_url)}sandbox-bank/pay/[\w-]+/$"))
    expect(phone.locator("[data-amount]")).to_have_text("¥256.00")
    shot(phone, "order-07-bank-pay-page")
    phone.get_by_role("button", name="支付", exact=True).click()

    # Back on the county: the order, paid.
    phone.wait_for_url(re.compile(rf"^{re.escape(county_url)}orders/\w+/$"))
    expect(phone.locator("[data-state]")).to_have_attribute("data-state", "paid")
    expect(phone.locator("[data-state]")).to_have_text("已支付")
    expect(phone.locator("[data-pickup-code]")).to_have_text(re.compile(r"^\d+$"))
    shot(phone, "order-08-order-paid")

    outcome = outside_the_browser(_outcome)
    assert outcome["state"] == Order.State.PAID
    assert outcome["fulfilment"] == "pickup"
    assert outcome["service_point"] == POINT_NAME
    assert outcome["payment_method"] == "bank_gateway"
    assert outcome["total_fen"] == 2 * PRICE_FEN
    assert outcome["payment"] == Payment.State.SUCCEEDED
    assert outcome["notifies_accepted"] == 1
    assert outcome["bank"] == (SandboxTransaction.State.PAID, 1, True)
    assert outcome["stock_left"] == STOCK - 2
    assert outcome["ledger_kinds"]  # the payment is in the ledger
