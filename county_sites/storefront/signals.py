"""Cache invalidation for the storefront (the only use of signals besides schema lifecycle,
STYLE.md): the page cache is purged, and a listing's search entry (a derived index of its
texts) refreshed, whenever something a storefront page shows changes. They run in the schema
of the change, i.e. the county's own.

Every farmers write goes through farmers.services, which saves the model instances: post_save
sees approve, reject, delist, relist and edits alike. Bulk `.update()` calls (stock
reservations at checkout) send no signal; stock shown on a cached page may then lag by up to
FENGSHOU_PAGE_CACHE_SECONDS, and checkout checks stock itself.
"""

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_tenants.utils import get_public_schema_name
from wagtail.signals import page_published, page_unpublished, post_page_move

from county_sites.catalogue.services import listing_search_entry_refresh
from county_sites.storefront.page_cache import page_cache_purge_county
from farmers.models import (
    Listing,
    ListingCertification,
    ListingPhoto,
    Seller,
    TraceabilityBatch,
)
from service_points.models import ServicePoint


def _purge() -> None:
    """Purge at once rather than on commit: one Redis INCR, and no on-commit callback that
    other apps' tests would have to count. The price: a page rendered by another request
    during the rest of this transaction still shows the old data, under the new generation,
    until FENGSHOU_PAGE_CACHE_SECONDS. Move this to transaction.on_commit if that window
    ever matters."""
    schema_name = connection.schema_name
    if schema_name != get_public_schema_name():
        page_cache_purge_county(schema_name=schema_name)


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def purge_on_page_change(sender, **kwargs):
    _purge()


@receiver(post_save, sender=Listing)
def listing_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    listing_search_entry_refresh(listing=instance)
    _purge()


@receiver(post_save, sender=Seller)
def seller_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw or created:
        return
    for listing in instance.listings.all():
        listing.seller = instance
        listing_search_entry_refresh(listing=listing)
    _purge()


@receiver(post_delete, sender=Listing)
@receiver(post_save, sender=ListingPhoto)
@receiver(post_delete, sender=ListingPhoto)
@receiver(post_save, sender=ListingCertification)
@receiver(post_delete, sender=ListingCertification)
@receiver(post_save, sender=TraceabilityBatch)
@receiver(post_save, sender=ServicePoint)
@receiver(post_delete, sender=ServicePoint)
def purge_on_storefront_data_change(sender, raw=False, **kwargs):
    if not raw:
        _purge()
