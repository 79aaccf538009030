"""A seller on a phone lists produce and the county operator approves it, in a real Chromium.

The seller signs in with an SMS code (read from the outbox table, as the villager would read
their phone), adds a listing with a photo and submits it; the operator signs in to the county
Wagtail admin with a password and approves it in the review queue. Screenshots at each step
go to tests/e2e/artifacts/seller-*.png: look at them after a layout change.

The seller, their listing and everything the run writes are committed (the live server only
sees committed rows) and removed afterwards, leaving the session's counties as they were.
"""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from accounts.models import SmsCode, SmsOutbox, User
from accounts.tasks import sms_deliver
from farmers.models import Listing, ModerationDecision, Seller
from farmers.tasks import listing_photo_renditions
from tests.e2e.conftest import in_county_a, login_code_sent_to, outside_the_browser
from tests.fixtures.counties import COUNTY_A, OPERATOR_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("compiled_messages")]

MOBILE = "13700137001"
SELLER_NAME = "章大姐"
TITLE = "安吉白茶（明前）"


@in_county_a
def _seller_create() -> None:
    from django.utils import timezone

    user = User.objects.create(username=f"seller-{MOBILE}", mobile=MOBILE)
    Seller.objects.create(
        name=SELLER_NAME,
        mobile=MOBILE,
        mobile_verified_at=timezone.now(),
        village="大溪村",
        consented_at=timezone.now(),
        consent_method=Seller.ConsentMethod.SELF_ON_PHONE,
        user=user,
    )


@in_county_a
def _seller_remove() -> None:
    listings = Listing.objects.filter(seller__mobile=MOBILE)
    # Moderation decisions are immutable for the app; a test's own go with their listing.
    ModerationDecision.objects.filter(listing__in=listings).delete()
    listings.delete()  # photos cascade
    Seller.objects.filter(mobile=MOBILE).delete()
    User.objects.filter(mobile=MOBILE).delete()
    SmsCode.objects.filter(mobile=MOBILE).delete()
    SmsOutbox.objects.filter(mobile=MOBILE).delete()


@in_county_a
def _listing_state() -> dict:
    listing = Listing.objects.get(seller__mobile=MOBILE)
    photo = listing.photos.get()
    return {
        "title": listing.title,
        "state": listing.state,
        "price_fen": listing.price_fen,
        "stock": listing.stock,
        "photo_size": (photo.width, photo.height),
        "renditions_ready": photo.renditions_ready,
        "decisions": list(
            listing.decisions.order_by("at", "pk").values_list("action", "actor__username")
        ),
    }


@pytest.fixture
def committed_seller(live_site):
    outside_the_browser(_seller_remove)  # a run that died half way
    outside_the_browser(_seller_create)
    yield
    outside_the_browser(_seller_remove)


@pytest.fixture
def tasks_run_in_the_server(monkeypatch):
    """The SMS and the photo renditions are done at once in the server thread, through
    Celery's apply() with the headers the services gave (no worker, nothing left in Redis)."""

    def run_now(task):
        def apply_now(args=None, kwargs=None, **options):
            return task.apply(args=args, kwargs=kwargs, headers=options.get("headers"))

        return apply_now

    for task in (sms_deliver, listing_photo_renditions):
        monkeypatch.setattr(task, "apply_async", run_now(task))


@pytest.fixture
def tea_photo(tmp_path):
    """A phone-sized JPEG of something green, to pick in the file chooser."""
    path = tmp_path / "IMG_20260402_081500.jpg"
    image = Image.new("RGB", (1200, 900), (58, 125, 68))
    image.paste((236, 240, 220), (300, 220, 900, 680))
    image.save(path, format="JPEG", quality=85)
    return path


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


def test_seller_lists_tea_on_a_phone_and_the_operator_approves_it(
    live_site, browser, phone, shot, committed_seller, tasks_run_in_the_server, tea_photo
):
    county_url = live_site.county_url(COUNTY_A.slug)

    # The seller opens their page and is asked to sign in with their phone.
    phone.goto(county_url + "seller/")
    expect(phone).to_have_url(re.compile(r"/account/login/\?next=/seller/$"))
    phone.locator("#id_mobile").fill(MOBILE)
    shot(phone, "seller-01-login-mobile")
    phone.get_by_role("button", name="获取验证码").click()

    expect(phone.locator("#id_code")).to_be_visible()
    phone.locator("#id_code").fill(outside_the_browser(login_code_sent_to, mobile=MOBILE))
    shot(phone, "seller-02-login-code")
    phone.get_by_role("button", name="登录", exact=True).click()

    phone.wait_for_url(county_url + "seller/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("我的商品")
    expect(phone.get_by_text("您还没有商品")).to_be_visible()
    shot(phone, "seller-03-my-listings-empty")

    # A new listing: the form, saved as a draft.
    phone.get_by_role("link", name="发布商品").click()
    phone.get_by_label("标题").fill(TITLE)
    phone.get_by_label("类目").select_option(label="茶叶")
    phone.get_by_label("单价（元）").fill("128.50")
    phone.get_by_label("单位").select_option(label="箱")
    phone.get_by_label("库存", exact=True).fill("20")
    phone.get_by_label("描述").fill("大溪村高山茶园，清明前手工采摘炒制。")
    shot(phone, "seller-04-new-listing")
    phone.get_by_role("button", name="保存，下一步添加照片").click()

    expect(phone).to_have_url(re.compile(r"/seller/listings/\d+/#photos$"))
    expect(phone.get_by_text("已保存草稿")).to_be_visible()
    shot(phone, "seller-05-draft-saved")

    # A photo from the gallery, then submit for review.
    phone.locator("#photos-gallery").set_input_files(str(tea_photo))
    phone.get_by_role("button", name="上传照片").click()
    expect(phone.get_by_text("已添加 1 张照片。")).to_be_visible()
    photo = phone.locator(".s-photos img")
    expect(photo).to_have_count(1)
    # The thumbnail really loads (served by the seller's own photo view).
    phone.wait_for_function(
        "() => { const img = document.querySelector('.s-photos img');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    shot(phone, "seller-06-photo-added")

    phone.get_by_role("button", name="提交审核").click()
    expect(phone.get_by_text("已提交审核，审核通过后上架。")).to_be_visible()
    expect(phone.locator(".s-title .s-badge")).to_have_text("待审核")
    shot(phone, "seller-07-submitted")

    phone.get_by_role("link", name="← 我的商品").click()
    item = phone.locator(".s-item", has_text=TITLE)
    expect(item.locator(".s-badge")).to_have_text("待审核")
    expect(item.get_by_label("库存")).to_have_value("20")
    shot(phone, "seller-08-my-listings")

    # The county operator, on their own phone, approves it from the review queue.
    operator_context = browser.new_context(
        viewport=phone.viewport_size, locale="zh-CN", timezone_id="Asia/Shanghai", is_mobile=True
    )
    admin = operator_context.new_page()
    admin.set_default_timeout(15_000)
    try:
        admin.goto(county_url + "admin/listings/?state=submitted")
        admin.locator("#id_username").fill("operator")
        admin.locator("#id_password").fill(OPERATOR_PASSWORD)
        admin.locator("form button[type=submit]").click()

        admin.wait_for_url(re.compile(r"/admin/listings/\?state=submitted$"))
        expect(admin.get_by_text(TITLE)).to_be_visible()
        shot(admin, "seller-09-admin-review-queue")

        inspect = admin.locator("a[href*='/admin/listings/inspect/']").first
        admin.goto(county_url.rstrip("/") + inspect.get_attribute("href"))
        expect(admin.get_by_text(SELLER_NAME).first).to_be_visible()
        # The operator sees the photo (served to operators only, as the large rendition).
        admin_photo = admin.locator("img[src*='/photos/']")
        admin_photo.scroll_into_view_if_needed()
        expect(admin_photo).to_have_js_property("naturalWidth", 1080)
        shot(admin, "seller-10-admin-listing")
        admin.get_by_role("button", name="审核通过").click()

        expect(admin.get_by_text(f"已通过：“{TITLE}”已上架。")).to_be_visible()
        shot(admin, "seller-11-admin-approved")
    finally:
        operator_context.close()

    # The seller sees it live.
    phone.reload()
    expect(phone.locator(".s-item", has_text=TITLE).locator(".s-badge")).to_have_text("已上架")
    # Its thumbnail is now the WebP rendition, served by the seller's own photo view.
    phone.wait_for_function(
        "() => { const img = document.querySelector('.s-item img');"
        " return img && img.complete && img.naturalWidth === 240; }"
    )
    shot(phone, "seller-12-my-listings-approved")

    assert outside_the_browser(_listing_state) == {
        "title": TITLE,
        "state": Listing.State.APPROVED,
        "price_fen": 12850,
        "stock": 20,
        "photo_size": (1200, 900),
        "renditions_ready": True,
        "decisions": [
            (ModerationDecision.Action.SUBMITTED, f"seller-{MOBILE}"),
            (ModerationDecision.Action.APPROVED, "operator"),
        ],
    }
