"""Fill a demo county with its service points, delivery zones, sellers and approved listings.

Sellers, listings, photos, certifications and traceability batches go through
farmers.services, acted by the county's operator account ("operator"), so demo data obeys the
same rules as real data; the photo's renditions are made at once
(listing_photo_renditions_make) instead of waiting for a Celery worker. Service points and
delivery zones go through service_points.services and county_sites.orders.services, acted by
the same operator.

Idempotent: points and zones are found by name, sellers by mobile, listings by title per
seller; anything that exists is left as it is. Each listing is made in one transaction, so
an interrupted run leaves no half-made listing behind.
"""

import datetime as dt
import hashlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context
from wagtail.signal_handlers import disable_reference_index_auto_update

from accounts.services import user_create_resident
from county_sites.catalogue.province import province_index_rebuild
from county_sites.orders.models import DeliveryZone
from county_sites.orders.services import delivery_zone_create
from county_sites.storefront.models import CountyHomePage
from demo import anji, chunan, suichang
from demo.content import (
    DemoCounty,
    DemoListing,
    DemoPoint,
    DemoSeller,
    DemoZone,
    season_date,
    season_year,
)
from demo.photos import demo_photo_jpeg
from farmers.images import RENDITION_SIZES, rendition_filename
from farmers.models import Listing, ListingPhoto, Seller
from farmers.services import (
    listing_approve,
    listing_certification_add,
    listing_create,
    listing_photo_add,
    listing_photo_renditions_make,
    listing_submit,
    seller_register,
    traceability_batch_create,
)
from farmers.services import photos as photo_services
from hub.models import Category
from service_points.models import Clerk, ServicePoint, ShelfPosition
from service_points.services import clerk_add, service_point_create, shelf_position_create

DEMO_COUNTIES: dict[str, DemoCounty] = {
    county.slug: county for county in (anji.COUNTY, chunan.COUNTY, suichang.COUNTY)
}
OPERATOR_USERNAME = "operator"
# Each demo point gets a clerk who signs in by SMS at /account/login/ (the code is printed by
# the Celery worker in dev): the first point's clerk is 13800000001, the second's ...0002, in
# every demo county (users are per county). And a shelf, A-1 to A-8.
CLERK_NAMES = ("王芳", "李强", "张敏", "陈军", "刘洋", "赵丽")
SHELF_LABELS = tuple(f"A-{n}" for n in range(1, 9))


def demo_clerk_mobile(index: int) -> str:
    """The demo clerk's mobile of a county's `index`-th point (from 1)."""
    return f"138{index:08d}"


# A progress line every this many listings (and after the last).
PROGRESS_EVERY = 10


def _silent(_message: str) -> None:
    pass


@dataclass
class DemoFillResult:
    points_created: int = 0
    clerks_created: int = 0
    zones_created: int = 0
    sellers_created: int = 0
    listings_created: int = 0
    listings_existing: int = 0


def county_demo_fill(
    *,
    county,
    progress: Callable[[str], None] = _silent,
    limit: int | None = None,
    today: dt.date | None = None,
    demo: DemoCounty | None = None,
    tick: Callable[[int, int], None] | None = None,
    photos: dict | None = None,
) -> DemoFillResult:
    """Fill `county` (a hub County with demo content in DEMO_COUNTIES) with its demo data;
    a county without demo content is left alone. `limit` caps how many of the county's
    listings are considered (tests); `today` fixes the demo season (default: today).

    `demo`: the content to fill instead of DEMO_COUNTIES' (a generated county,
    demo.generate); `tick(done, total)` after each listing (a progress bar); `photos`: a
    dict kept across calls in which each photo is drawn once per (label, category, shape)
    and reused, without the village caption (drawing is the slow part of a listing)."""
    result = DemoFillResult()
    demo = demo or DEMO_COUNTIES.get(county.slug)
    if demo is None:
        progress(f"[{county.slug}] no demo content for this county, skipped")
        return result
    today = today or timezone.localdate()
    with tenant_context(county):
        operator = get_user_model().objects.get(username=OPERATOR_USERNAME)
        points = {point.name: _point_ensure(point, operator, result) for point in demo.points}
        for index, point in enumerate(points.values(), start=1):
            _point_staff_ensure(point, index=index, operator=operator, result=result)
        for zone in demo.zones:
            _zone_ensure(zone, operator, result)
        categories = {category.slug: category for category in Category.objects.all()}
        wanted = demo.listings[:limit] if limit is not None else demo.listings
        total, done = len(wanted), 0
        # Wagtail's reference index follows its own pages, images and documents, none of which
        # a listing is; skipping its check on every save is cheap and safe. The home page
        # below is published with it on.
        with disable_reference_index_auto_update():
            for seller_number, demo_seller in enumerate(demo.sellers, start=1):
                seller = _seller_ensure(
                    demo_seller, operator=operator, points=points, result=result
                )
                for listing_number, demo_listing in enumerate(demo_seller.listings, start=1):
                    if done >= total:
                        break
                    done += 1
                    if Listing.objects.filter(seller=seller, title=demo_listing.title).exists():
                        result.listings_existing += 1
                    else:
                        batch_code = (
                            f"{demo.batch_prefix}{season_year(today) % 100:02d}-"
                            f"{seller_number:02d}{listing_number:02d}"
                        )
                        _listing_make(
                            demo_listing,
                            seller=seller,
                            operator=operator,
                            category=categories[demo_listing.category],
                            batch_code=batch_code,
                            today=today,
                            photo_cache=photos,
                        )
                        result.listings_created += 1
                    if tick is not None:
                        tick(done, total)
                    elif done % PROGRESS_EVERY == 0 or done == total:
                        progress(f"[{county.slug}] {done}/{total} listings")
        _home_featured_ensure(county=county, operator=operator)
        # The province catalogue now, like the renditions, rather than by the sync tasks.
        province_index_rebuild()
    progress(
        f"[{county.slug}] new: {result.points_created} service points, "
        f"{result.clerks_created} clerks, "
        f"{result.zones_created} delivery zones, {result.sellers_created} sellers, "
        f"{result.listings_created} listings ({result.listings_existing} already there)"
    )
    return result


FEATURED_COUNT = 8


@transaction.atomic
def _home_featured_ensure(*, county, operator) -> None:
    """Curate the home page as an operator would: the county's specialities (each farmer's
    and co-operative's first listing) featured right under the welcome, once."""
    home = CountyHomePage.objects.first()
    if home is None or any(block.block_type == "featured_listings" for block in home.body):
        return
    specialities = []
    for seller in Seller.objects.exclude(kind=Seller.Kind.MERCHANT).order_by("pk"):
        first = seller.listings.filter(state=Listing.State.APPROVED).order_by("pk").first()
        if first is not None:
            specialities.append(first.pk)
    if not specialities:
        return
    blocks = [(block.block_type, block.value) for block in home.body]
    featured = home.body.stream_block.child_blocks["featured_listings"].to_python(
        {"title": f"{county.name}特产", "listings": specialities[:FEATURED_COUNT]}
    )
    at = 1 if blocks and blocks[0][0] == "announcement" else 0
    blocks.insert(at, ("featured_listings", featured))
    home.body = blocks
    home.save_revision(user=operator).publish()


def _point_ensure(demo: DemoPoint, operator, result: DemoFillResult) -> ServicePoint:
    point = ServicePoint.objects.filter(name=demo.name).first()
    if point is not None:
        return point
    point = service_point_create(
        actor=operator,
        name=demo.name,
        village=demo.village,
        address=demo.address,
        latitude=Decimal(demo.latitude),
        longitude=Decimal(demo.longitude),
        opening_hours=demo.opening_hours,
        phone=demo.phone,
    )
    result.points_created += 1
    return point


def _point_staff_ensure(point: ServicePoint, *, index: int, operator, result) -> None:
    """The point's demo clerk and shelf, once."""
    if not Clerk.objects.filter(point=point).exists():
        clerk_add(
            actor=operator,
            mobile=demo_clerk_mobile(index),
            point=point,
            name=CLERK_NAMES[(index - 1) % len(CLERK_NAMES)],
        )
        result.clerks_created += 1
    taken = set(ShelfPosition.objects.filter(point=point).values_list("label", flat=True))
    for order, label in enumerate(SHELF_LABELS):
        if label not in taken:
            shelf_position_create(actor=operator, point=point, label=label, sort_order=order)


def _zone_ensure(demo: DemoZone, operator, result: DemoFillResult) -> DeliveryZone:
    zone = DeliveryZone.objects.filter(name=demo.name).first()
    if zone is not None:
        return zone
    # Each after the last one, in the demo's order.
    zone = delivery_zone_create(
        actor=operator, name=demo.name, description=demo.description, fee_fen=demo.fee_fen
    )
    result.zones_created += 1
    return zone


@transaction.atomic
def _seller_ensure(
    demo: DemoSeller, *, operator, points: dict[str, ServicePoint], result: DemoFillResult
) -> Seller:
    seller = Seller.objects.filter(mobile=demo.mobile).first()
    if seller is not None:
        return seller
    if demo.consent_method == Seller.ConsentMethod.SELF_ON_PHONE:
        # The seller signed up on their own phone: their account (SMS sign-in) registers them.
        user = get_user_model().objects.filter(mobile=demo.mobile).first()
        user = user or user_create_resident(mobile=demo.mobile)
        actor, verified_at = user, timezone.now()
    else:
        user, actor, verified_at = None, operator, None
    seller = seller_register(
        actor=actor,
        user=user,
        kind=demo.kind,
        name=demo.name,
        mobile=demo.mobile,
        village=demo.village,
        consent_method=demo.consent_method,
        registered_by_point=points[demo.point] if demo.point else None,
        bank_name=demo.bank_name,
        bank_account_number=demo.bank_account_number,
        mobile_verified_at=verified_at,
    )
    result.sellers_created += 1
    return seller


def _listing_make(
    demo: DemoListing,
    *,
    seller: Seller,
    operator,
    category,
    batch_code: str,
    today: dt.date,
    photo_cache: dict | None = None,
) -> Listing:
    harvest_start = harvest_end = None
    if demo.harvest:
        harvest_start, harvest_end = (season_date(text, today=today) for text in demo.harvest)
    photos: list[ListingPhoto] = []
    try:
        with transaction.atomic():
            listing = listing_create(
                actor=operator,
                seller=seller,
                title=demo.title,
                category=category,
                unit=demo.unit,
                price_fen=demo.price_fen,
                stock=demo.stock,
                description=demo.description,
                min_order_qty=demo.min_order_qty,
                harvest_start=harvest_start,
                harvest_end=harvest_end,
                origin_village=demo.origin_village,
            )
            image = _photo(demo, caption=listing.origin_village, cache=photo_cache)
            photo = listing_photo_add(actor=operator, listing=listing, image=image)
            photos.append(photo)
            # Now rather than by the Celery task queued on commit (which then finds them
            # ready and does nothing): the storefront shows the photo at once.
            if photo_cache is None:
                listing_photo_renditions_make(photo_id=photo.pk)
            else:
                with _renditions_reused():
                    listing_photo_renditions_make(photo_id=photo.pk)
            for certification in demo.certifications:
                listing_certification_add(
                    actor=operator,
                    listing=listing,
                    kind=certification.kind,
                    certificate_number=certification.number,
                    issuer=certification.issuer,
                    valid_until=dt.date(season_year(today) + certification.valid_years, 12, 31),
                )
            if demo.batch:
                traceability_batch_create(
                    actor=operator,
                    listing=listing,
                    batch_code=batch_code,
                    harvest_date=season_date(demo.batch.harvest, today=today),
                    plot=demo.batch.plot,
                    inputs_note=demo.batch.inputs_note,
                )
            listing_submit(actor=operator, listing=listing)
            return listing_approve(actor=operator, listing=listing)
    except BaseException:
        # The rows are rolled back; their files would be left behind in the county's folder.
        for photo in photos:
            for name in [photo.original.name, *_rendition_names(photo)]:
                default_storage.delete(name)
        raise


# The WebP renditions of each reused photo, by the original's digest: encoding them is half
# of a listing's time, and a reused photo's normalised original is the same bytes each time
# (photo_renditions is a pure function of them), so they are made once per process.
_RENDITIONS: dict[str, dict] = {}


@contextmanager
def _renditions_reused():
    made = photo_services.photo_renditions

    def reused(original: bytes) -> dict:
        digest = hashlib.sha256(original).hexdigest()
        if digest not in _RENDITIONS:
            _RENDITIONS[digest] = made(original)
        return _RENDITIONS[digest]

    with mock.patch.object(photo_services, "photo_renditions", reused):
        yield


def _photo(demo: DemoListing, *, caption: str, cache: dict | None) -> bytes:
    label = demo.photo_label or demo.title
    if cache is None:
        return demo_photo_jpeg(
            label=label, category_slug=demo.category, shape=demo.photo_shape, caption=caption
        )
    key = (label, demo.category, demo.photo_shape)
    if key not in cache:
        cache[key] = demo_photo_jpeg(
            label=label, category_slug=demo.category, shape=demo.photo_shape
        )
    return cache[key]


def _rendition_names(photo: ListingPhoto) -> list[str]:
    return [rendition_filename(photo.original.name, name) for name in RENDITION_SIZES]
