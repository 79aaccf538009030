"""manage.py backup (issue 12, point 4): a county dumped, removed and restored serves the same
pages and orders, its media and its buyers' sessions included; the hub's public schema
restores into an empty database, and a county after it.

pg_dump sees only committed rows: these tests make a county of their own (余杭区), commit in it,
and remove it at the end; the session's counties A and B are only read. The test's own
connection sits in pytest-django's transaction (`db`), so everything runs on a second
connection, in a worker thread, where each statement commits (as tests/e2e does).
"""

import io
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.images import ImageFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django_tenants.utils import tenant_context
from PIL import Image as PillowImage
from wagtail.images.models import Image

from county_sites.orders.models import Order, OrderLine
from hub.host_cache import host_cache_clear
from hub.models import County, CountyDomain
from hub.services import county_create, county_creation_undo
from hub.validation import schema_exists
from tests.factories.farmers import ListingFactory, SellerFactory
from tests.factories.orders import ResidentFactory
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.counties import SchemaKeepingClient
from tests.fixtures.orders import place

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+|(csrftoken=)[^;"]+')


def _committed(function, /, **kwargs):
    """Run `function` on a connection of its own (autocommit), in a worker thread."""

    def run():
        try:
            return function(**kwargs)
        finally:
            connection.set_schema_to_public()
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(run).result()


@pytest.fixture
def committed(db):
    return _committed


def _yuhang_create() -> County:
    return county_create(code="330110", slug="yuhang", name="余杭区").county


def _yuhang_remove() -> None:
    schema = "county_yuhang"
    if County.objects.filter(schema_name=schema).exists() or schema_exists(schema):
        county_creation_undo(schema_name=schema)
    host_cache_clear()


@pytest.fixture
def yuhang(committed):
    county = committed(_yuhang_create)
    yield county
    committed(_yuhang_remove)


def _county_content(county: County) -> dict:
    """An approved listing, an order for it at a point, a Wagtail image: committed."""
    with tenant_context(county):
        listing = ListingFactory(
            seller=SellerFactory(name="径山茶农"), title="径山茶", price_fen=8_800, approved=True
        )
        buyer = ResidentFactory(username="buyer-wu", mobile="13700000009")
        order = place(buyer, [(listing, 2)], point=ServicePointFactory(name="径山服务点"))
        buffer = io.BytesIO()
        PillowImage.new("RGB", (300, 100), (20, 120, 60)).save(buffer, format="PNG")
        image = Image.objects.create(title="茶园", file=ImageFile(buffer, name="tea.png"))
        # The storage names the county's folder in the URL: read it inside the county.
        image_url = image.file.url
    connection.set_schema_to_public()
    return {"listing": listing, "buyer": buyer, "order": order, "image_url": image_url}


def _orders(county: County) -> list:
    with tenant_context(county):
        orders = list(Order.objects.order_by("pk").values_list("pk", "number", "state", "buyer"))
        lines = list(OrderLine.objects.order_by("pk").values_list("order", "listing", "quantity"))
    connection.set_schema_to_public()
    return [orders, lines]


def _pages(client, content) -> dict:
    """What the county serves: home, product page, the buyer's order page, the image file."""
    pages = {}
    for path in ("/", f"/p/{content['listing'].pk}/", f"/orders/{content['order'].number}/"):
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = CSRF.sub(r"\1\2", response.content.decode())
    assert content["image_url"].startswith("/media/county_yuhang/original_images/")
    image = client.get(content["image_url"])
    assert image.status_code == 200
    pages["image"] = b"".join(image.streaming_content)
    return pages


def test_a_restored_county_serves_the_same_pages_and_orders(yuhang, committed, tmp_path):
    def body():
        content = _county_content(yuhang)
        host = CountyDomain.objects.get(tenant=yuhang).domain
        client = SchemaKeepingClient(HTTP_HOST=host, county=yuhang)
        client.force_login(content["buyer"])
        before_pages, before_orders = _pages(client, content), _orders(yuhang)
        schema, backup = yuhang.schema_name, tmp_path / "backup-yuhang"

        call_command("backup", "county", "yuhang", str(backup))
        # The county is lost: schema, public rows and media folder.
        county_creation_undo(schema_name=schema)
        shutil.rmtree(Path(settings.MEDIA_ROOT) / schema)
        host_cache_clear()
        assert client.get("/").status_code == 404
        call_command("backup", "restore-county", str(backup))

        restored = County.objects.get(slug="yuhang")
        assert (restored.pk, restored.schema_name, restored.name) == (yuhang.pk, schema, "余杭区")
        assert _orders(restored) == before_orders
        # Same pages, the buyer still signed in (sessions live in the county's schema).
        assert _pages(client, content) == before_pages

    committed(body)


def test_restore_over_a_live_county_needs_replace_and_changes_nothing(yuhang, committed, tmp_path):
    def body():
        content = _county_content(yuhang)
        backup = tmp_path / "backup"
        call_command("backup", "county", "yuhang", str(backup))
        with tenant_context(yuhang):
            Order.objects.filter(pk=content["order"].pk).update(state="cancelled")
        after_change = _orders(yuhang)

        with pytest.raises(CommandError, match="已存在：确认要覆盖时加上 --replace"):
            call_command("backup", "restore-county", str(backup))
        assert _orders(yuhang) == after_change

        call_command("backup", "restore-county", str(backup), "--replace")
        assert _orders(yuhang)[0][0][2] == content["order"].state

    committed(body)


def test_bad_arguments_are_refused_with_a_message(committed, tmp_path):
    def body():
        with pytest.raises(CommandError, match="没有标识为 nowhere 的县"):
            call_command("backup", "county", "nowhere", str(tmp_path / "x"))
        with pytest.raises(CommandError, match="不是丰收的备份文件夹"):
            call_command("backup", "restore-county", str(tmp_path))
        (tmp_path / "full").mkdir()
        (tmp_path / "full" / "something").write_text("x")
        with pytest.raises(CommandError, match="已存在且不是空文件夹"):
            call_command("backup", "hub", str(tmp_path / "full"))

    committed(body)


@pytest.fixture
def scratch_database(committed):
    """An empty database beside the test database, dropped after."""
    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_restore"
    params = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
        "autocommit": True,
    }
    with psycopg.connect(dbname="postgres", **params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{params['user']}@{params['host']}:{params['port']}/{name}"
    if params["password"]:
        url = url.replace("@", f":{params['password']}@", 1)
    yield url, lambda: psycopg.connect(dbname=name, **params)
    with psycopg.connect(dbname="postgres", **params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_hub_then_a_county_restore_into_an_empty_database(
    yuhang, committed, tmp_path, scratch_database
):
    def body():
        url, connect = scratch_database
        content = _county_content(yuhang)
        counties = sorted(County.objects.values_list("slug", flat=True))

        call_command("backup", "hub", str(tmp_path / "hub"))
        call_command("backup", "county", "yuhang", str(tmp_path / "yuhang"))
        call_command("backup", "restore-hub", str(tmp_path / "hub"), "--database-url", url)
        call_command("backup", "restore-county", str(tmp_path / "yuhang"), "--database-url", url)

        with connect() as conn:
            restored = [row[0] for row in conn.execute("SELECT slug FROM hub_county ORDER BY slug")]
            schemas = {
                row[0]
                for row in conn.execute("SELECT schema_name FROM information_schema.schemata")
            }
            numbers = [
                row[0]
                for row in conn.execute(f'SELECT number FROM "{yuhang.schema_name}".orders_order')  # noqa: S608
            ]
        assert restored == counties
        # Only the hub and the county restored into it: no other county came with the hub.
        assert yuhang.schema_name in schemas and "county_anji" not in schemas
        assert numbers == [content["order"].number]
        # A second hub restore into the same database would mix two provinces: refused.
        with pytest.raises(CommandError, match="public 模式已有数据"):
            call_command("backup", "restore-hub", str(tmp_path / "hub"), "--database-url", url)

    committed(body)


def test_a_failed_replace_puts_the_county_back_as_it_was(yuhang, committed, tmp_path):
    def body():
        _county_content(yuhang)
        backup = tmp_path / "backup"
        call_command("backup", "county", "yuhang", str(backup))
        before = _orders(yuhang)
        (backup / "schema.dump").write_bytes(b"not a dump")

        with pytest.raises(CommandError, match="pg_restore 失败"):
            call_command("backup", "restore-county", str(backup), "--replace")

        assert _orders(yuhang) == before
        assert not schema_exists("county_yuhang_before_restore")

    committed(body)
