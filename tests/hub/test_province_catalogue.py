"""The province catalogue: hub.ProvinceListing follows each county's listings (approve, delist,
price, stock), the nightly rebuild repairs it, and the hub portal searches it."""

import re

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context, tenant_context

from core.county_tasks import WrongSchemaError
from county_sites.catalogue import tasks as catalogue_tasks
from county_sites.storefront.page_cache import (
    CACHE_HEADER,
    page_cache_clear_local,
    page_cache_purge_county,
)
from farmers.services import (
    listing_approve,
    listing_delist,
    listing_reject,
    listing_relist,
    listing_stock_set,
    listing_update,
)
from hub.models import Category, ProvinceListing, ProvinceSpeciality
from hub.selectors.catalogue import county_hosts, province_listing_search
from hub.services import county_suspend
from hub.services.catalogue import (
    ProvinceListingRow,
    province_listing_upsert,
    search_text_for,
)
from hub.taxonomy import Certification
from tests.factories.farmers import ListingCertificationFactory, ListingFactory, SellerFactory
from tests.fixtures.orders import place

FIELDS = ("listing_id", "title", "price_fen", "unit", "category_id", "stock", "certifications")


@pytest.fixture
def index_eager(monkeypatch):
    """The sync task runs at once, in the schema it was queued for (the test's county)."""
    sent = []

    def run_now(args, headers, **_options):
        sent.append((args, headers["_schema_name"]))
        assert headers["_schema_name"] == connection.schema_name
        catalogue_tasks.province_index_sync(*args)

    monkeypatch.setattr(catalogue_tasks.province_index_sync, "apply_async", run_now)
    return sent


def _rows(county) -> list[tuple]:
    return list(
        ProvinceListing.objects.filter(county=county).order_by("listing_id").values_list(*FIELDS)
    )


def _row(listing, **changes) -> tuple:
    values = {
        "listing_id": listing.pk,
        "title": listing.title,
        "price_fen": listing.price_fen,
        "unit": listing.unit,
        "category_id": listing.category_id,
        "stock": listing.stock,
        "certifications": [],
        **changes,
    }
    return tuple(values[name] for name in FIELDS)


def _sync(listing_id: int) -> str:
    return catalogue_tasks.province_index_sync(listing_id, connection.schema_name)


# ------------------------------------------------------------------------------
# The index follows the listing
# ------------------------------------------------------------------------------
def test_approve_adds_the_listing_with_its_certifications(
    operator, submitted_listing, in_county, index_eager, django_capture_on_commit_callbacks
):
    ListingCertificationFactory(listing=submitted_listing, kind=Certification.ORGANIC)
    ListingCertificationFactory(listing=submitted_listing, kind=Certification.GREEN_FOOD)
    assert _rows(in_county) == []

    with django_capture_on_commit_callbacks(execute=True):
        listing_approve(actor=operator, listing=submitted_listing)

    assert _rows(in_county) == [_row(submitted_listing, certifications=["green_food", "organic"])]
    row = ProvinceListing.objects.get(county=in_county)
    assert row.search_text == "高山笋干 gaoshansungan gssg"
    assert row.photo_path == ""
    assert index_eager == [((submitted_listing.pk, in_county.schema_name), in_county.schema_name)]


def test_delist_removes_the_listing_and_relist_brings_it_back(
    operator, approved_listing, in_county, index_eager, django_capture_on_commit_callbacks
):
    _sync(approved_listing.pk)
    assert _rows(in_county) == [_row(approved_listing)]

    with django_capture_on_commit_callbacks(execute=True):
        listing_delist(actor=operator, listing=approved_listing)
    assert _rows(in_county) == []

    with django_capture_on_commit_callbacks(execute=True):
        listing_relist(actor=operator, listing=approved_listing)
    assert _rows(in_county) == [_row(approved_listing)]


def test_rejected_and_returned_to_review_listings_are_not_indexed(
    operator, seller, submitted_listing, in_county, index_eager, django_capture_on_commit_callbacks
):
    live = ListingFactory(seller=seller, title="竹林鸡蛋", approved=True)
    _sync(live.pk)

    with django_capture_on_commit_callbacks(execute=True):
        listing_reject(actor=operator, listing=submitted_listing, reason="照片太暗")
        # A title edit sends a live listing back to review: off the catalogue meanwhile.
        listing_update(actor=operator, listing=live, title="土鸡蛋")

    assert _rows(in_county) == []


def test_price_and_stock_changes_update_the_row(
    seller, approved_listing, in_county, index_eager, django_capture_on_commit_callbacks
):
    _sync(approved_listing.pk)

    with django_capture_on_commit_callbacks(execute=True):
        listing_update(actor=seller.user, listing=approved_listing, price_fen=480)
    assert _rows(in_county) == [_row(approved_listing, price_fen=480)]

    with django_capture_on_commit_callbacks(execute=True):
        listing_stock_set(actor=seller.user, listing=approved_listing, stock=0)
    assert _rows(in_county) == [_row(approved_listing, price_fen=480, stock=0)]
    assert ProvinceListing.objects.get(county=in_county).in_stock is False


def test_an_order_and_its_cancellation_update_the_stock(
    buyer, tea, point, county_operator, in_county, index_eager, django_capture_on_commit_callbacks
):
    from county_sites.orders.services import order_cancel

    _sync(tea.pk)

    with django_capture_on_commit_callbacks(execute=True):
        order = place(buyer, [(tea, 3)], point=point)
    assert ProvinceListing.objects.get(county=in_county, listing_id=tea.pk).stock == 17

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, actor=county_operator, reason="买家不要了")
    assert ProvinceListing.objects.get(county=in_county, listing_id=tea.pk).stock == 20


def test_a_refused_edit_queues_nothing_and_changes_nothing(
    other_seller, approved_listing, in_county, index_eager, django_capture_on_commit_callbacks
):
    from core.errors import ApplicationError

    _sync(approved_listing.pk)
    before = _rows(in_county)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ApplicationError),
    ):
        listing_stock_set(actor=other_seller.user, listing=approved_listing, stock=5)

    assert callbacks == []
    assert _rows(in_county) == before


def test_the_sync_refuses_to_run_in_another_county(approved_listing, in_county):
    with pytest.raises(WrongSchemaError):
        catalogue_tasks.province_index_sync(approved_listing.pk, "county_chunan")

    assert _rows(in_county) == []


def test_another_countys_sync_of_the_same_id_leaves_our_row_alone(
    approved_listing, in_county, other_county
):
    _sync(approved_listing.pk)

    with tenant_context(other_county):
        # Listing N does not exist (or is someone else's) in county B.
        assert catalogue_tasks.province_index_sync(approved_listing.pk, "county_chunan") == (
            "removed"
        )

    connection.set_tenant(in_county)
    assert _rows(in_county) == [_row(approved_listing)]


# ------------------------------------------------------------------------------
# The nightly rebuild
# ------------------------------------------------------------------------------
def test_rebuild_repairs_missing_and_stale_rows_and_removes_strays(
    seller, approved_listing, submitted_listing, in_county, other_county
):
    stale = ListingFactory(seller=seller, title="高山白菜", price_fen=350, approved=True)
    _sync(stale.pk)
    type(stale).objects.filter(pk=stale.pk).update(price_fen=420, stock=7)  # a lost sync
    stray = ProvinceListingRow(
        listing_id=999_999, title="早已下架", price_fen=100, unit="jin",
        category_id=approved_listing.category_id, stock=1,
    )  # fmt: skip
    province_listing_upsert(county=in_county, row=stray)
    other_row = province_listing_upsert(county=other_county, row=stray)

    result = catalogue_tasks.province_index_rebuild(in_county.pk)

    stale.refresh_from_db()
    assert result == {"schema": in_county.schema_name, "written": 2, "removed": 1}
    assert _rows(in_county) == sorted([_row(approved_listing), _row(stale)])
    assert list(ProvinceListing.objects.filter(county=other_county)) == [other_row]


def test_rebuild_is_fanned_out_nightly_to_every_county(
    settings, monkeypatch, county, other_county, db
):
    queued = []
    monkeypatch.setattr(
        catalogue_tasks.province_index_rebuild,
        "delay",
        lambda county_id: queued.append((county_id, connection.schema_name)),
    )

    count = catalogue_tasks.counties_province_index_rebuild()

    assert count == 2
    assert sorted(queued) == sorted(
        [(county.pk, county.schema_name), (other_county.pk, other_county.schema_name)]
    )
    entry = settings.CELERY_BEAT_SCHEDULE["counties-province-index-rebuild"]
    assert entry["task"] == "county_sites.catalogue.tasks.counties_province_index_rebuild"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {30})


def test_workers_register_the_catalogue_tasks_through_an_installed_app(settings):
    from config.celery_app import app
    from county_sites.storefront import tasks as storefront_tasks
    from farmers.services.province import PROVINCE_INDEX_SYNC_TASK

    # Autodiscovery imports <installed app>.tasks; county_sites.catalogue is not one.
    assert "county_sites.catalogue" not in settings.INSTALLED_APPS
    assert "county_sites.storefront" in settings.INSTALLED_APPS
    assert storefront_tasks.province_index_sync is catalogue_tasks.province_index_sync
    assert catalogue_tasks.province_index_sync.name == PROVINCE_INDEX_SYNC_TASK
    assert PROVINCE_INDEX_SYNC_TASK in app.tasks
    assert settings.CELERY_BEAT_SCHEDULE["counties-province-index-rebuild"]["task"] in app.tasks


def test_rebuild_refuses_to_run_in_another_county(approved_listing, in_county, other_county):
    with pytest.raises(WrongSchemaError):
        catalogue_tasks.province_index_rebuild(other_county.pk)

    assert _rows(in_county) == []


# ------------------------------------------------------------------------------
# Search and the portal
# ------------------------------------------------------------------------------
def _index(county, listing_id, title, category_slug="tea", **extra) -> ProvinceListing:
    row = ProvinceListingRow(
        listing_id=listing_id,
        title=title,
        price_fen=extra.pop("price_fen", 12_800),
        unit="jin",
        category_id=Category.objects.get(slug=category_slug).pk,
        stock=extra.pop("stock", 10),
        **extra,
    )
    return province_listing_upsert(county=county, row=row)


@pytest.fixture
def catalogue(county, other_county, in_public):
    """Anji: 安吉白茶 (tea), 高山笋干 (vegetables); Chun'an: 千岛湖白茶 (tea), 千岛湖鱼干."""
    return {
        "anji_tea": _index(county, 11, "安吉白茶", photo_path="/media/listings/5/thumb-ab.webp"),
        "anji_shoots": _index(county, 12, "高山笋干", "vegetables", price_fen=650),
        "chunan_tea": _index(other_county, 11, "千岛湖白茶", certifications=("organic",)),
        "chunan_fish": _index(other_county, 13, "千岛湖鱼干", "aquatic", stock=0),
    }


def _titles(**filters) -> list[str]:
    hosts = county_hosts(scheme="http", port_suffix="")
    return [card.listing.title for card in province_listing_search(hosts=hosts, **filters).cards]


def test_search_text_has_characters_pinyin_and_initials():
    assert search_text_for("安吉 白茶") == "安吉 白茶 anjibaicha ajbc"


@pytest.mark.parametrize("q", ["白茶", "baicha", "Bai Cha", "bc", "BC"])
def test_search_finds_by_characters_pinyin_and_initials(catalogue, q):
    # Counties in code order (淳安 330127 before 安吉 330523), newest listing first.
    assert _titles(q=q) == ["千岛湖白茶", "安吉白茶"]


def test_search_by_several_words_needs_all_of_them(catalogue):
    assert _titles(q="千岛湖 白茶") == ["千岛湖白茶"]
    assert _titles(q="不存在") == []


def test_filters_by_county_and_category(catalogue, county, other_county):
    assert _titles(county_id=county.pk) == ["高山笋干", "安吉白茶"]
    assert _titles(county_id=other_county.pk, q="bc") == ["千岛湖白茶"]
    tea = Category.objects.get(slug="tea")
    assert _titles(category_id=tea.pk) == ["千岛湖白茶", "安吉白茶"]
    # Sold out comes last.
    assert _titles() == ["千岛湖白茶", "高山笋干", "安吉白茶", "千岛湖鱼干"]


def test_a_top_category_includes_its_subcategories(catalogue, county):
    tea = Category.objects.get(slug="tea")
    green = Category.objects.create(name="绿茶", slug="green-tea", parent=tea)
    _index(county, 14, "龙井", "green-tea")

    assert _titles(category_id=tea.pk) == ["千岛湖白茶", "龙井", "安吉白茶"]
    assert _titles(category_id=green.pk) == ["龙井"]


def test_results_link_to_each_countys_own_product_page(catalogue, hub_client):
    html = hub_client.get("/", {"q": "白茶"}).content.decode()

    assert 'href="http://anji.localhost/p/11/"' in html
    assert 'src="http://anji.localhost/media/listings/5/thumb-ab.webp"' in html
    assert 'href="http://chunan.localhost/p/11/"' in html
    assert "¥128.00/斤" in html
    anji_card = html[html.index("anji.localhost/p/11/") :].split("</li>")[0]
    chunan_card = html[html.index("chunan.localhost/p/11/") :].split("</li>")[0]
    assert "安吉县" in anji_card and "淳安县" not in anji_card
    assert "淳安县" in chunan_card and "有机产品" in chunan_card
    assert "高山笋干" not in html.split("选择您所在的县")[0]


def test_portal_filters_through_the_query_string(catalogue, hub_client, other_county):
    html = hub_client.get("/", {"county": other_county.pk}).content.decode()

    assert "千岛湖白茶" in html and "千岛湖鱼干" in html and "已售完" in html
    assert "安吉白茶" not in html


def test_a_suspended_countys_listings_are_not_shown(catalogue, county, hub_client):
    county_suspend(county=county)

    html = hub_client.get("/", {"q": "bc"}).content.decode()

    assert "千岛湖白茶" in html
    assert "安吉白茶" not in html and "anji.localhost" not in html


def test_home_shows_the_specialities_in_the_operators_order(catalogue, hub_client):
    ProvinceSpeciality.objects.create(listing=catalogue["chunan_tea"], sort_order=1, note="湖区")
    ProvinceSpeciality.objects.create(listing=catalogue["anji_shoots"], sort_order=2)

    html = hub_client.get("/").content.decode()

    picks = html.split("全省特色好物")[1].split("</ul>")[0]
    assert picks.index("千岛湖白茶") < picks.index("高山笋干")
    assert "湖区" in picks and "安吉白茶" not in picks


def test_a_delisted_speciality_leaves_the_home_page(
    seller, in_county, operator, index_eager, django_capture_on_commit_callbacks, hub_client
):
    listing = ListingFactory(seller=seller, title="安吉冬笋", approved=True)
    _sync(listing.pk)
    with schema_context("public"):
        ProvinceSpeciality.objects.create(
            listing=ProvinceListing.objects.get(county=in_county, listing_id=listing.pk)
        )

    with django_capture_on_commit_callbacks(execute=True):
        listing_delist(actor=operator, listing=listing)

    assert not ProvinceSpeciality.objects.exists()
    assert "安吉冬笋" not in hub_client.get("/").content.decode()


def test_portal_query_count_does_not_grow_with_listings(
    county, other_county, in_public, hub_client
):
    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert hub_client.get(path).status_code == 200
        return len(queries)

    for listing_id in (1, 2):
        ProvinceSpeciality.objects.create(listing=_index(county, listing_id, f"白茶{listing_id}"))
    few = (count("/"), count("/?q=bc"))
    for listing_id in range(3, 23):
        the_county = county if listing_id % 2 else other_county
        ProvinceSpeciality.objects.create(listing=_index(the_county, listing_id, "白茶"))

    assert (count("/"), count("/?q=bc")) == few


def test_a_county_seller_cannot_write_the_index_through_the_portal(catalogue, hub_client):
    before = list(ProvinceListing.objects.order_by("pk").values())

    response = hub_client.post("/", {"q": "白茶"})

    assert response.status_code in (403, 405)
    assert list(ProvinceListing.objects.order_by("pk").values()) == before


def test_a_new_seller_in_another_county_shows_under_that_county(
    other_county, index_eager, django_capture_on_commit_callbacks, hub_client
):
    from django.contrib.auth import get_user_model

    with tenant_context(other_county):
        operator = get_user_model().objects.get(username="operator")
        listing = ListingFactory(seller=SellerFactory(), title="千岛湖鱼头", submitted=True)
        with django_capture_on_commit_callbacks(execute=True):
            listing_approve(actor=operator, listing=listing)

    html = hub_client.get("/", {"q": "qdhyt"}).content.decode()
    card = html[html.index(f"chunan.localhost/p/{listing.pk}/") :].split("</li>")[0]
    assert "千岛湖鱼头" in card and "淳安县" in card


# ------------------------------------------------------------------------------
# The province admin and the tenant command
# ------------------------------------------------------------------------------
@pytest.fixture
def province_admin(in_public):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser(
        username="province", password="province-pass-123"
    )


def test_province_operator_picks_a_speciality_in_the_admin(catalogue, province_admin, hub_client):
    hub_client.force_login(province_admin)

    listed = hub_client.get("/admin/hub/provincelisting/")
    response = hub_client.post(
        "/admin/hub/provincespeciality/add/",
        {"listing": catalogue["anji_tea"].pk, "note": "明前采摘", "sort_order": 1},
    )

    assert listed.status_code == 200 and "安吉白茶" in listed.content.decode()
    assert response.status_code == 302
    assert list(ProvinceSpeciality.objects.values_list("listing_id", "note")) == [
        (catalogue["anji_tea"].pk, "明前采摘")
    ]
    assert hub_client.get("/admin/hub/provincelisting/add/").status_code == 403


def test_a_county_operator_cannot_reach_the_catalogue_admin(catalogue, hub_client):
    response = hub_client.post(
        "/admin/login/?next=/admin/hub/provincespeciality/add/",
        {"username": "operator", "password": "operator-test-pass-1"},
    )

    assert response.status_code == 200  # the login form again: no such user in public
    assert not ProvinceSpeciality.objects.exists()


def test_the_tenant_command_rebuilds_one_county(approved_listing, in_county):
    from django.core.management import call_command

    call_command("tenant_command", "province_index_rebuild", schema=in_county.schema_name)

    connection.set_tenant(in_county)
    assert _rows(in_county) == [_row(approved_listing)]


# ------------------------------------------------------------------------------
# The portal's page cache: anonymous pages cached, expiring within
# FENGSHOU_PORTAL_CACHE_SECONDS (never purged); staff signed in never served from it
# ------------------------------------------------------------------------------
@pytest.fixture
def portal_cache_on(settings, in_public):
    settings.FENGSHOU_PAGE_CACHE_ENABLED = True
    settings.FENGSHOU_HOST_CACHE_SECONDS = 60
    page_cache_purge_county(schema_name="public")
    page_cache_clear_local()
    yield
    page_cache_purge_county(schema_name="public")


def test_the_portal_home_and_search_are_served_from_the_cache(
    portal_cache_on, catalogue, hub_client
):
    for url in ("/", "/?q=baicha"):
        first = hub_client.get(url)
        page_cache_clear_local()  # as another worker would, from Redis
        with CaptureQueriesContext(connection) as queries:
            second = hub_client.get(url)

        assert (first[CACHE_HEADER], second[CACHE_HEADER]) == ("miss", "hit")
        assert len(queries) == 0
        assert second.status_code == 200
        assert "安吉白茶" in second.content.decode()


def test_cached_portal_pages_expire_within_the_portal_seconds(
    portal_cache_on, catalogue, hub_client
):
    hub_client.get("/?q=baicha")

    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    # Every page the hub host cached (earlier tests' under older generations too): the portal's.
    keys = [key for key in client.keys("public:*pagecache:*") if b"generation" not in key]
    assert keys
    assert all(0 < client.ttl(key) <= 30 for key in keys)
    assert settings.FENGSHOU_PORTAL_CACHE_SECONDS == 30


def test_staff_signed_in_on_the_hub_are_never_served_from_the_cache(
    portal_cache_on, catalogue, hub_client
):
    hub_client.get("/")  # cached for visitors
    staff = get_user_model().objects.create_superuser(
        username="province-qian", password="province-pass-1", email=""
    )
    hub_client.force_login(staff)

    response = hub_client.get("/")

    assert CACHE_HEADER not in response
    assert response.status_code == 200


def _without_tokens(response) -> str:
    """The page as every visitor gets it (each has their own CSRF token)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _page_entries() -> set[bytes]:
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    return {key for key in client.keys("public:*pagecache:*") if b"generation" not in key}


def test_the_portals_q_county_category_page_make_one_normalised_key(
    portal_cache_on, catalogue, hub_client, county
):
    county_id = county.pk
    first = hub_client.get(f"/?q=baicha&county={county_id}&page=1")
    entries = _page_entries()

    for same in (
        f"/?page=1&county={county_id}&q=baicha",
        f"/?category=&county=0{county_id}&page=01&q=+baicha+",
    ):
        page_cache_clear_local()
        response = hub_client.get(same)
        assert response[CACHE_HEADER] == "hit", same
        assert _without_tokens(response) == _without_tokens(first)

    assert first[CACHE_HEADER] == "miss"
    assert "安吉白茶" in first.content.decode()
    assert _page_entries() == entries


def test_the_portal_redirects_unknown_parameters_away(portal_cache_on, catalogue, hub_client):
    hub_client.get("/")
    entries = _page_entries()

    for url, canonical in (
        ("/?x=1", "/"),
        ("/?x=2", "/"),
        ("/?q=baicha&from=singlemessage", "/?q=baicha"),
    ):
        response = hub_client.get(url)
        assert (response.status_code, response["Location"]) == (301, canonical), url

    assert _page_entries() == entries


def test_the_portal_does_not_store_a_county_that_is_not_a_number(
    portal_cache_on, catalogue, hub_client
):
    entries = _page_entries()

    response = hub_client.get("/?county=anji")

    assert response.status_code == 200
    assert CACHE_HEADER not in response
    assert _page_entries() == entries
