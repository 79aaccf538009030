"""English pages carry no Chinese from templates or code (issue 14, point 3).

Every role's main pages are rendered for an English reader (Accept-Language: en); the visible
text (tags, scripts and styles stripped; of the attributes only those a person reads: title,
alt, placeholder, aria-label and a button's value) must hold no CJK character except data the
test itself created: listing titles, seller names, service point names and the like, taken from
the rows' own fields, and a county or category name only when it has no English twin.
A page in the expected-failure list below is still rendered; strict xfail makes it fail the
run once it is fixed, so the list can only shrink.

The catalogue half of the check (every msgid has an English translation) is tests/test_i18n.py.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.db import models
from django_tenants.utils import schema_context
from wagtail.models import Page

from farmers.models import Listing, ListingCertification, Seller, TraceabilityBatch
from hub.models import Category, County
from service_points.models import Clerk, ServicePoint
from service_points.services import clerk_add, point_villager_add
from tests.factories.farmers import ListingFactory, TraceabilityBatchFactory
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.orders import place

# Ideographs, kana and the full-width punctuation of a Chinese sentence: a stray "（" or "："
# between translated words comes from a Chinese template just the same.
CJK = re.compile(
    "[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+"
)
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
SKIPPED_ELEMENTS = {"script", "style", "template", "noscript"}


class VisibleText(HTMLParser):
    """The text a reader sees: element text outside script/style, plus read attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_ELEMENTS:
            self._skipping += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value and name in READ_ATTRIBUTES:
                self.parts.append(value)
        if tag == "input" and attributes.get("type") in {"submit", "button"}:
            self.parts.append(attributes.get("value") or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in SKIPPED_ELEMENTS:
            self._skipping -= 1

    def handle_endtag(self, tag):
        if tag in SKIPPED_ELEMENTS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


def _text_values(queryset) -> set[str]:
    """Every non-empty char/text field value of the rows."""
    fields = [
        f.name
        for f in queryset.model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField))
    ]
    values = set()
    for row in queryset.values_list(*fields):
        values.update(v for v in row if v)
    return values


# A language switcher names each language in itself (简体中文, English): that is meant.
LANGUAGE_ENDONYMS = ["简体中文"]


def public_allow_list() -> set[str]:
    """Public names with no English twin: the reader has nothing else to see."""
    with schema_context("public"):
        return {c.name for c in County.objects.all() if not c.name_en} | {
            c.name for c in Category.objects.all() if not c.name_en
        }


def province_data_allow_list() -> set[str]:
    """The province console edits the public tables, so it shows their Chinese columns beside
    the English ones: county names (the template schema's too), categories, vocabulary terms
    and the notes on commission rules, as stored."""
    from hub.models import CertificationKind, CommissionRule, SaleUnit

    with schema_context("public"):
        values: set[str] = set()
        for model in (County, Category, SaleUnit, CertificationKind, CommissionRule):
            values |= _text_values(model.objects.all())
        return values


def county_allow_list() -> set[str]:
    """What sellers, clerks and operators typed into the rows of the current county."""
    from county_sites.orders.models import DeliveryZone, Order

    values: set[str] = set()
    for model in (Seller, Listing, ListingCertification, TraceabilityBatch, ServicePoint, Clerk):
        values |= _text_values(model.objects.all())
    values |= set(Page.objects.values_list("title", flat=True))
    values |= _text_values(get_user_model().objects.only("first_name", "last_name"))
    values |= set(DeliveryZone.objects.values_list("name", flat=True))
    values |= set(Order.objects.values_list("delivery_address", flat=True))
    return values


def allow_list(values: set[str]) -> list[str]:
    """The data values holding CJK, longest first so a title is blanked out before a shorter
    name inside it."""
    values = values | set(LANGUAGE_ENDONYMS)
    return sorted((v for v in values if v and CJK.search(v)), key=len, reverse=True)


def chinese_left(html: str, allowed: list[str]) -> list[tuple[str, str]]:
    """The CJK runs of the page's visible text once data is blanked out, each with a little
    of its surrounding text so the template or message can be found."""
    text = visible_text(html)
    for value in allowed:
        text = text.replace(value, " ")
    return [
        (match.group(), " ".join(text[max(0, match.start() - 30) : match.end() + 30].split()))
        for match in CJK.finditer(text)
    ]


# ---------------------------------------------------------------- the county's world


@pytest.fixture
def world(in_county, seller, tea, shoots, point, zone, buyer, operator, bank_in_process):
    """One of everything the pages show: listings live and in review, a trace batch, a clerk
    at a point, and an order by the buyer, collected at the point."""
    ListingFactory(seller=seller, title="高山笋干", submitted=True)
    mine = ListingFactory(seller=seller, title="竹林鸡蛋", approved=True)
    batch = TraceabilityBatchFactory(listing=mine, batch_code="AJ-2025-0042")
    clerk = clerk_add(actor=operator, mobile="13700137555", name="王芳", point=point)
    order = place(buyer, [(tea, 1), (shoots, 2)], payment="cash_on_pickup", point=point)
    point_villager_add(clerk_user=clerk.user, user=buyer)
    ServicePointFactory(name="梅溪服务点", village="梅溪村")
    return {
        "seller": seller,
        "listing": tea,
        "mine": mine,
        "batch": batch,
        "clerk": clerk,
        "order": order,
        "buyer": buyer,
    }


SEARCHED = "茶"  # the reader's own words, echoed back: allowed

# (role, name, url): the url may hold {listing}, {mine}, {order}, {batch}.
COUNTY_PAGES = [
    ("visitor", "home", "/"),
    ("visitor", "category", "/c/tea/"),
    ("visitor", "product", "/p/{listing}/"),
    ("visitor", "seller shop", "/s/{seller}/"),
    ("visitor", "search", "/search/?q=" + SEARCHED),
    ("visitor", "cart", "/cart/"),
    ("visitor", "login", "/account/login/"),
    ("visitor", "trace", "/trace/{batch}/"),
    ("buyer", "checkout", "/checkout/"),
    ("buyer", "orders", "/orders/"),
    ("buyer", "order", "/orders/{order}/"),
    ("buyer", "account", "/account/"),
    ("seller", "seller home", "/seller/"),
    ("seller", "seller orders", "/seller/orders/"),
    ("seller", "seller statement", "/seller/statement/"),
    ("seller", "seller new listing", "/seller/listings/new/"),
    ("seller", "seller listing", "/seller/listings/{mine}/"),
    ("clerk", "clerk console", "/clerk/"),
    ("clerk", "clerk handover", "/clerk/handover/"),
    ("clerk", "clerk overdue", "/clerk/overdue/"),
    ("clerk", "clerk villagers", "/clerk/villagers/"),
    ("clerk", "clerk order", "/clerk/order/?villager={buyer}"),
    ("clerk", "clerk till", "/clerk/till/"),
    ("clerk", "clerk commissions", "/clerk/commissions/"),
    ("clerk", "clerk receive", "/clerk/receive/"),
    ("operator", "admin dashboard", "/admin/"),
    ("operator", "admin pages", "/admin/pages/"),
    ("operator", "admin review queue", "/admin/listings/"),
    ("operator", "admin sellers", "/admin/sellers/"),
    ("operator", "admin orders", "/admin/orders/"),
    ("operator", "admin refunds", "/admin/refund_requests/"),
    ("operator", "admin service points", "/admin/service_points/"),
    ("operator", "admin credit lines", "/admin/credit/lines/"),
    ("operator", "admin deliveries", "/admin/deliveries/"),
    ("operator", "admin delivery zones", "/admin/delivery_zones/"),
    ("operator", "admin daily ledger", "/admin/ledger/daily/"),
]

HUB_PAGES = [
    ("visitor", "portal", "/"),
    ("province", "province index", "/admin/"),
    ("province", "county list", "/admin/hub/county/"),
    ("province", "county change", "/admin/hub/county/{county}/change/"),
    ("province", "roll-up dashboard", "/admin/hub/rolluprun/dashboard/"),
    ("province", "commission rules", "/admin/hub/commissionrule/"),
    ("province", "categories", "/admin/hub/category/"),
    ("province", "sale units", "/admin/hub/saleunit/"),
    ("province", "certification kinds", "/admin/hub/certificationkind/"),
]

# Pages known to show Chinese from templates or code, each with why it is not fixed yet.
# strict: a fixed page fails here until it leaves the list.
EXPECTED_FAILURES: dict[str, str] = {
    "admin credit lines": (
        "the help text lists the bank file's column headers, which county_sites/credit/imports.py "
        "only accepts in Chinese (手机号*、授信编号*...); needs English header aliases first"
    ),
}


def _params(pages):
    return [
        pytest.param(
            role,
            url,
            name,
            id=name,
            marks=(
                [pytest.mark.xfail(strict=True, reason=EXPECTED_FAILURES[name])]
                if name in EXPECTED_FAILURES
                else []
            ),
        )
        for role, name, url in pages
    ]


def _assert_english(response, allowed, page):
    assert response.status_code == 200, response.status_code
    left = chinese_left(response.content.decode(), allowed)
    assert left == [], "Chinese from templates or code on an English page:\n" + "\n".join(
        f"{run!r} in: {context}" for run, context in left
    )


@pytest.mark.parametrize(("role", "url", "page"), _params(COUNTY_PAGES))
def test_county_page_is_in_english(role, url, page, world, county_client):
    user = {
        "visitor": None,
        "buyer": world["buyer"],
        "seller": world["seller"].user,
        "clerk": world["clerk"].user,
        "operator": get_user_model().objects.get(username="operator"),
    }[role]
    if user is not None:
        county_client.force_login(user)
    url = url.format(
        listing=world["listing"].pk,
        mine=world["mine"].pk,
        seller=world["seller"].pk,
        order=world["order"].number,
        batch=world["batch"].code,
        buyer=world["buyer"].pk,
    )
    allowed = allow_list(county_allow_list() | public_allow_list() | {SEARCHED})

    response = county_client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    _assert_english(response, allowed, page)


@pytest.fixture
def province_staff(in_public):
    return get_user_model().objects.create_superuser(
        username="province-zhao", password="province-pass-1", email=""
    )


@pytest.mark.parametrize(("role", "url", "page"), _params(HUB_PAGES))
def test_hub_page_is_in_english(role, url, page, province_staff, hub_client, county, other_county):
    if role == "province":
        hub_client.force_login(province_staff)
    names = province_data_allow_list() if role == "province" else public_allow_list()
    if page == "portal":
        # The county chooser names each county as its people write it, beside the English
        # name (安吉县 Anji County): a place's own name is data, like a seller's.
        with schema_context("public"):
            names |= {county.name for county in County.objects.all()}
    allowed = allow_list(names)

    response = hub_client.get(url.format(county=county.pk), HTTP_ACCEPT_LANGUAGE="en")

    _assert_english(response, allowed, page)


def test_the_check_sees_chinese_in_text_and_read_attributes_only():
    html = (
        '<p title="提示">Hello <b>世界</b></p><script>var a = "脚本";</script>'
        '<style>/* 样式 */</style><a href="/商品/" data-x="数据">ok</a>'
        '<input type="submit" value="提交"><img alt="图片">'
    )

    assert [run for run, _ in chinese_left(html, ["世界"])] == ["提示", "提交", "图片"]
