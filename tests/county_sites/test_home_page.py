"""The curated home page: every block renders, a new county starts with a sensible body,
operators preview drafts, the listing chooser offers approved listings only; news and plain
pages."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.urls import reverse
from PIL import Image as PillowImage
from wagtail.images.models import Image
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from county_sites.storefront.blocks import ListingChooserBlock
from county_sites.storefront.models import CountyHomePage, NewsIndexPage, NewsPage, StandardPage
from county_sites.storefront.services import county_site_setup
from tests.county_sites.conftest import live
from tests.factories.farmers import ListingFactory
from tests.factories.service_points import ServicePointFactory


def banner_image(title="春茶") -> Image:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (1200, 460), (120, 170, 90)).save(buffer, format="PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name="banner.png"))


@pytest.fixture
def home(in_county):
    return CountyHomePage.objects.get()


def test_new_county_home_has_the_default_blocks(home, county):
    assert [block.block_type for block in home.body] == [
        "announcement",
        "category_tiles",
        "latest_listings",
        "service_points",
    ]
    assert home.title == county.name
    assert home.live


def test_setup_again_changes_nothing(home, county):
    revisions = home.revisions.count()

    county_site_setup(county=county, domain=county.domains.get(is_primary=True).domain)

    home.refresh_from_db()
    assert home.revisions.count() == revisions
    assert len(home.body) == 4


def test_default_home_renders_tiles_latest_listings_and_points(home, seller, tea, county_client):
    listing = live(seller, "安吉白茶", category=tea, price_fen=12000)
    ServicePointFactory(name="递铺服务点", opening_hours="每天 8:00-20:00")
    ServicePointFactory(name="关门的点", is_active=False)

    response = county_client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>欢迎来到安吉县丰收购</h1>" in html
    assert 'href="/c/tea/"' in html and 'href="/c/daily-goods/"' in html
    assert f'href="/p/{listing.pk}/"' in html and "¥120.00/斤" in html
    assert "递铺服务点" in html and "每天 8:00-20:00" in html
    assert "关门的点" not in html
    assert 'loading="lazy"' in html and 'width="480" height="360"' in html


def test_every_block_renders(home, seller, tea, vegetables, county_client):
    featured = live(seller, "精选白茶", category=tea)
    seasonal = live(seller, "春笋", category=vegetables)
    gone = live(seller, "已下架的笋", category=vegetables)
    image = banner_image()
    ServicePointFactory(name="溪龙服务点", latitude="30.6512", longitude="119.6801")
    home.body = [
        {
            "type": "banner_carousel",
            "value": {
                "slides": [
                    {"image": image.pk, "title": "春茶上市", "link": "/c/tea/"},
                    {"image": image.pk, "title": "第二张", "link": ""},
                ]
            },
        },
        {"type": "announcement", "value": {"text": "<p>清明假期<b>照常</b>配送</p>"}},
        {"type": "category_tiles", "value": {"title": "逛逛", "categories": ["vegetables", "tea"]}},
        {"type": "featured_listings", "value": {"title": "精选", "listings": [featured.pk]}},
        {
            "type": "seasonal_collection",
            "value": {
                "title": "春季时令",
                "intro": "山里刚挖的",
                "listings": [seasonal.pk, gone.pk],
            },
        },
        {"type": "service_points", "value": {"title": "自提点", "show_map_links": True}},
    ]
    home.save_revision().publish()
    gone.state = gone.State.DELISTED
    gone.save()

    html = county_client.get("/").content.decode()

    assert html.count('class="slide"') == 2
    assert "春茶上市" in html and 'href="/c/tea/"' in html
    assert 'fetchpriority="high"' in html  # first banner
    assert ".webp" in html
    assert "清明假期<b>照常</b>配送" in html
    tiles = html[html.index('<ul class="tiles">') :]
    assert tiles.index('href="/c/vegetables/"') < tiles.index('href="/c/tea/"')
    assert "精选白茶" in html
    assert "春季时令" in html and "山里刚挖的" in html and "春笋" in html
    assert "已下架的笋" not in html
    assert "溪龙服务点" in html
    assert "uri.amap.com/marker?position=119.680100,30.651200" in html


def test_operator_previews_a_draft_of_the_home_page(home, operator_client):
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[home.pk])
    data = nested_form_data(
        {
            "title": home.title,
            "slug": home.slug,
            "intro": "草稿里的简介",
            "body": streamfield([("announcement", {"text": rich_text("<p>预览中的公告</p>")})]),
        }
    )

    posted = operator_client.post(url, data)
    preview = operator_client.get(url)

    assert json.loads(posted.content) == {"is_valid": True, "is_available": True}
    assert preview.status_code == 200
    assert "预览中的公告" in preview.content.decode()
    home.refresh_from_db()
    assert home.intro == ""  # nothing published
    assert "预览中的公告" not in operator_client.get("/").content.decode()


def test_chooser_offers_only_approved_listings(home, seller, operator_client):
    approved = live(seller, "上架的茶")
    ListingFactory(seller=seller, title="草稿的茶")
    ListingFactory(seller=seller, title="待审的茶", submitted=True)
    delisted = ListingFactory(seller=seller, title="下架的茶", delisted=True)

    listing = operator_client.get("/admin/listing-chooser/")
    searched = operator_client.get("/admin/listing-chooser/results/", {"q": "茶"})
    chosen = operator_client.get(f"/admin/listing-chooser/chosen/{approved.pk}/")
    refused = operator_client.get(f"/admin/listing-chooser/chosen/{delisted.pk}/")

    assert listing.status_code == 200
    # The modal comes as JSON with its HTML inside; the results panel as plain HTML.
    for html in (json.loads(listing.content)["html"], searched.content.decode()):
        assert "上架的茶" in html
        assert "草稿的茶" not in html and "待审的茶" not in html and "下架的茶" not in html
    assert chosen.status_code == 200
    assert refused.status_code == 404


def test_chooser_block_refuses_an_unapproved_listing(in_county, seller):
    block = ListingChooserBlock()
    approved = live(seller, "上架的茶")
    draft = ListingFactory(seller=seller, title="草稿的茶")

    assert block.clean(approved) == approved
    with pytest.raises(ValidationError):
        block.clean(draft)


def test_news_index_lists_live_news_newest_first(home, county_client):
    index = home.add_child(instance=NewsIndexPage(title="公告", slug="news"))
    for title, date in (("旧闻", "2025-03-01"), ("新闻", "2025-04-01")):
        index.add_child(
            instance=NewsPage(title=title, slug=f"n-{date}", date=date, body="<p>x</p>")
        )
    draft = NewsPage(title="草稿新闻", slug="draft", date="2025-05-01", body="<p>x</p>", live=False)
    index.add_child(instance=draft)

    listing = county_client.get("/news/")
    item = county_client.get("/news/n-2025-04-01/")

    assert [page.title for page in listing.context["news"]] == ["新闻", "旧闻"]
    assert item.status_code == 200 and "<h1>新闻</h1>" in item.content.decode()


def test_standard_page_renders(home, county_client):
    home.add_child(
        instance=StandardPage(title="售后政策", slug="after-sales", body="<p>七天无理由</p>")
    )

    response = county_client.get("/after-sales/")

    assert response.status_code == 200
    assert "七天无理由" in response.content.decode()


def test_page_types_can_be_created_where_operators_need_them(in_county):
    assert NewsIndexPage.can_create_at(CountyHomePage())
    assert StandardPage.can_create_at(CountyHomePage())
    assert NewsPage.can_create_at(NewsIndexPage())
    assert not NewsPage.can_create_at(CountyHomePage())
