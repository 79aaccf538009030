"""Storefront pages under load: home, a category and a product page of a county with 500
approved listings, against a bare Django view, in one run.

Three gunicorn servers (sync workers, pinned to CPU 0 when `taskset` exists), loaded one at a
time by wrk on CPU 1 (installed with apt-get when missing; else a bounded Python client):
- bare:     bench.settings_bare, the trivial view without tenancy (DESIGN.md section 8's "bare
            Django view", ~2,000 requests/s on a 2-core machine);
- cached:   bench.settings_storefront with the page cache on (the product's default);
- uncached: the same with FENGSHOU_PAGE_CACHE_ENABLED=0: every request renders.
Targets (issue 4): home >= 0.5 of the bare view with the cache on; product page >= 0.2
uncached. Every response under load is checked (status 200 and a text only that page has).
It also prints the home page's transferred size: HTML and CSS, gzip-compressed as a front
proxy or whitenoise serves them (images excluded; below-the-fold ones load lazily).

It uses its own database `fengshou_storefront_bench` (created, migrated, one county with 500
listings seeded; dropped at the end unless --keep) and Redis database 12.

    .venv/bin/python -m bench.storefront [--duration 5] [--rounds 2] [--workers 4] [--keep]
"""

import argparse
import gzip
import io
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from bench.harness import (
    WRK_LUA,
    GunicornServer,
    database_create,
    database_drop,
    load_rounds,
    medians,
    say,
    wrk_ensure,
)
from bench.harness import fetch as harness_fetch

BENCH_DB = "fengshou_storefront_bench"
BENCH_ENV = {
    # Forced, not defaulted: this script must never touch the dev or test databases.
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
    "REDIS_URL": "redis://127.0.0.1:6379/12",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/12",
    "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/12",
    "DEBUG": "0",
    "LOG_LEVEL": "WARNING",
    "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "fengshou_storefront_bench_media"),
}
os.environ.update(BENCH_ENV)
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_storefront"

COUNTY_SLUG = "benchshop"
COUNTY_HOST = "benchshop.localhost"
LISTINGS = 500


# ---------------------------------------------------------------------------------------------
# Database and seed
# ---------------------------------------------------------------------------------------------


def _webp(color, size) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="WEBP", quality=70)
    return buffer.getvalue()


def seed() -> dict:
    """The county, 500 approved listings over the categories with photo renditions (small
    real WebP files), certifications, a batch, service points and a curated home page.
    Returns the paths to load and the texts that prove each page is the right one."""
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context
    from PIL import Image as PillowImage
    from wagtail.images.models import Image

    from county_sites.catalogue.services import listing_search_entries_rebuild
    from county_sites.storefront.models import CountyHomePage
    from county_sites.storefront.services import home_page_default_body
    from farmers.models import Listing, ListingCertification, ListingPhoto, Seller
    from hub.models import Category, County
    from hub.services import county_create
    from service_points.models import ServicePoint

    say("migrate_schemas --shared")
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    county = County.objects.filter(slug=COUNTY_SLUG).first()
    if county is None:
        say("creating the county (template schema first: all migrations, about 20 s)")
        county = county_create(code="339902", slug=COUNTY_SLUG, name="丰收基准县").county
    categories = list(Category.objects.filter(parent=None).order_by("sort_order"))
    with tenant_context(county):
        if Listing.objects.count() < LISTINGS:
            say(f"seeding {LISTINGS} approved listings with photos")
            now = timezone.now()
            sellers = [
                Seller.objects.create(
                    name=f"农户{n}",
                    mobile=f"1390000{n:04d}",
                    village=f"第{n}村",
                    consented_at=now,
                    consent_method=Seller.ConsentMethod.SELF_ON_PHONE,
                )
                for n in range(20)
            ]
            names = ["安吉白茶", "高山笋干", "土鸡蛋", "山核桃", "菊米", "高山白菜", "香菇", "蜂蜜"]
            listings = Listing.objects.bulk_create(
                Listing(
                    seller=sellers[n % 20],
                    title=f"{names[n % len(names)]}{n}号",
                    description="本地农户直供，新鲜采摘。" * 3,
                    category=categories[n % len(categories)],
                    price_fen=500 + (n * 37) % 20000,
                    stock=(n * 7) % 120,
                    origin_village=f"第{n % 20}村",
                    state=Listing.State.APPROVED,
                    submitted_at=now,
                    approved_at=now - timezone.timedelta(minutes=n),
                )
                for n in range(LISTINGS)
            )
            files = {}
            for name, size in (("thumb", (240, 180)), ("card", (480, 360)), ("large", (1080, 810))):
                path = f"bench/photo_{name}.webp"
                if not default_storage.exists(path):
                    default_storage.save(path, ContentFile(_webp((90, 140, 60), size)))
                # Recorded as farmers.services.listing_photo_renditions_make does.
                files[name] = {"name": name, "width": size[0], "height": size[1], "path": path}
            ListingPhoto.objects.bulk_create(
                ListingPhoto(
                    listing=listing,
                    original="bench/photo.jpg",
                    width=2000,
                    height=1500,
                    position=position,
                    renditions=files,
                    renditions_ready=True,
                )
                for listing in listings
                for position in range(3)
            )
            ListingCertification.objects.bulk_create(
                ListingCertification(listing=listing, kind="green_food", certificate_number="LB1")
                for listing in listings[::3]
            )
            for n in range(8):
                ServicePoint.objects.create(
                    name=f"服务点{n}",
                    village=f"第{n}村",
                    address=f"第{n}村村口",
                    opening_hours="每天 8:00-20:00",
                )
            listing_search_entries_rebuild()
            buffer = io.BytesIO()
            PillowImage.new("RGB", (1560, 600), (60, 130, 70)).save(buffer, format="PNG")
            banner = Image.objects.create(
                title="春茶", file=ContentFile(buffer.getvalue(), name="banner.png")
            )
            home = CountyHomePage.objects.get()
            chosen = [listing.pk for listing in listings[:6]]
            home.body = [
                {
                    "type": "banner_carousel",
                    "value": {
                        "slides": [
                            {"image": banner.pk, "title": "春茶上市", "link": "/c/tea/"},
                            {"image": banner.pk, "title": "高山笋干", "link": "/c/vegetables/"},
                        ]
                    },
                },
                *home_page_default_body(county=county)[:2],
                {"type": "featured_listings", "value": {"title": "精选好物", "listings": chosen}},
                *home_page_default_body(county=county)[2:],
            ]
            home.save_revision().publish()
            # Planner statistics, as autovacuum soon gives any production table: without them
            # PostgreSQL may plan the product page's lookup by listing state, not by id.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        product = Listing.objects.order_by("pk")[10]
        category = product.category
    return {
        "home": ("/", "精选好物"),
        "category": (f"/c/{category.slug}/", f"/c/{category.slug}/"),
        "product": (f"/p/{product.pk}/", f"{product.title}</h1>"),
    }


# ---------------------------------------------------------------------------------------------
# Servers and load
# ---------------------------------------------------------------------------------------------


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    return harness_fetch(port, path, host=COUNTY_HOST, headers=headers)


def transferred_size(port: int) -> tuple[int, int, int, int]:
    """(HTML bytes, HTML gzip, CSS bytes, CSS gzip) of the home page's first load. The CSS is
    read through the static finders: production serves it collected, compressed and with
    far-future cache headers (whitenoise CompressedManifestStaticFilesStorage), which the
    bench does not collect."""
    from django.contrib.staticfiles import finders

    _status, html, _headers = fetch(port, "/")
    css = b""
    for href in re.findall(rb'<link rel="stylesheet" href="/static/([^"?]+)"', html):
        found = finders.find(href.decode())
        css += Path(found).read_bytes() if found else b""
    return len(html), len(gzip.compress(html, 6)), len(css), len(gzip.compress(css, 6))


# ---------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=2, help="measurements per target")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()

    created = database_create(BENCH_DB)
    say(f"database {BENCH_DB} {'created' if created else 'reused'}")
    servers = []
    try:
        pages = seed()
        from django.db import connections

        connections.close_all()
        wrk = None if args.python_client else wrk_ensure()
        say(f"load generator: {'wrk' if wrk else 'Python threads + http.client'}")
        log_dir = Path(tempfile.mkdtemp(prefix="storefront-bench-"))
        bare = GunicornServer("bare", "bench.settings_bare", args.workers, log_dir)
        cached = GunicornServer("cached", "bench.settings_storefront", args.workers, log_dir)
        uncached = GunicornServer(
            "uncached",
            "bench.settings_storefront",
            args.workers,
            log_dir,
            env={"FENGSHOU_PAGE_CACHE_ENABLED": "0"},
        )
        servers = [bare, cached, uncached]
        bare.wait_ready(lambda port: fetch(port, "/trivial/"))
        cached.wait_ready(lambda port: fetch(port, "/"))
        uncached.wait_ready(lambda port: fetch(port, "/"))
        for server in (cached, uncached):
            for path, _text in pages.values():
                status, _body, headers = fetch(server.port, path)
                assert status == 200, (server.name, path, status)
        say("servers up; every page answers 200")

        targets = [
            ("bare view", bare, "/trivial/", "public"),
            ("home, cached", cached, *pages["home"]),
            ("category, cached", cached, *pages["category"]),
            ("product, cached", cached, *pages["product"]),
            ("home, uncached", uncached, *pages["home"]),
            ("category, uncached", uncached, *pages["category"]),
            ("product, uncached", uncached, *pages["product"]),
        ]
        lua = log_dir / "check.lua"
        lua.write_text(WRK_LUA)
        results = load_rounds(
            targets, wrk=wrk, lua=lua, seconds=args.duration, connections=args.connections,
            rounds=args.rounds, host=COUNTY_HOST,
        )  # fmt: skip

        html, html_gz, css, css_gz = transferred_size(cached.port)
        figures = medians(results)
        bare_rps = figures["bare view"][0]
        print()
        print(f"{'page':<22}{'requests/s':>12}{'p95 ms':>10}{'ratio':>8}{'bad':>6}")
        for name, *_rest in targets:
            rps, p95, bad = figures[name]
            print(f"{name:<22}{rps:>12.0f}{p95:>10.1f}{rps / bare_rps:>8.2f}{bad:>6}")
        home_ratio = figures["home, cached"][0] / bare_rps
        product_ratio = figures["product, uncached"][0] / bare_rps
        print()
        print(
            f"targets: home cached >= 0.5 of bare: {home_ratio:.2f} "
            f"{'OK' if home_ratio >= 0.5 else 'MISSED'}; product uncached >= 0.2: "
            f"{product_ratio:.2f} {'OK' if product_ratio >= 0.2 else 'MISSED'}"
        )
        total = html_gz + css_gz
        print(
            f"home first load, images excluded: HTML {html / 1024:.1f} KB ({html_gz / 1024:.1f}"
            f" KB gzip) + CSS {css / 1024:.1f} KB ({css_gz / 1024:.1f} KB gzip) = "
            f"{total / 1024:.1f} KB transferred (target <= 200 KB)"
        )
        if any(bad for _rps, _p95, bad in figures.values()):
            sys.exit("some responses under load were wrong (see 'bad')")
    finally:
        for server in servers:
            server.stop()
        if not args.keep:
            database_drop(BENCH_DB)
            shutil.rmtree(BENCH_ENV["MEDIA_ROOT"], ignore_errors=True)
            say(f"dropped {BENCH_DB}")


if __name__ == "__main__":
    main()
