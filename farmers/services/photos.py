"""Photos of a listing: added from the seller's phone (checked and normalised by farmers.images),
their storefront renditions made after commit by the task farmers.tasks.listing_photo_renditions
(queued by name), and removed with their files once the row is gone."""

from collections.abc import Sequence
from functools import partial
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, transaction

from core.county_tasks import task_queue
from farmers.images import (
    NormalisedPhoto,
    photo_count_validate,
    photo_normalise,
    photo_renditions,
    photo_validate,
    rendition_filename,
)
from farmers.models import Listing, ListingPhoto
from farmers.services.common import (
    content_changed,
    listing_lock,
    owner_operator_or_helper_check,
    owner_or_operator_check,
)
from farmers.services.province import listing_province_sync_queue


def listing_photo_add(*, actor, listing: Listing, image: bytes | IO[bytes]) -> ListingPhoto:
    """Add one photo from the seller's phone; see listing_photos_add."""
    return listing_photos_add(actor=actor, listing=listing, images=[image])[0]


def listing_photos_add(
    *, actor, listing: Listing, images: Sequence[bytes | IO[bytes]]
) -> list[ListingPhoto]:
    """Add photos to a listing, all or none.

    Each upload is checked and normalised by farmers.images (upright JPEG, no EXIF, at most
    ORIGINAL_MAX_SIDE px) before anything is written, so a refused upload (its message from
    farmers.images, field "photo") leaves no row and no file. The JPEG is stored as the photo's
    original in the county's media folder; the storefront's WebP renditions are made after
    commit by farmers.tasks.listing_photo_renditions. A new photo sends an approved listing
    back to review.
    """
    # Cheap refusals first: no decoding for someone else's listing or a 7th photo.
    owner_operator_or_helper_check(actor, listing)
    photo_count_validate(existing=listing.photos.count(), adding=len(images))
    # One upload decoded at a time, keeping only its normalised JPEG (under 1 MB).
    normalised = [photo_normalise(photo_validate(image)) for image in images]
    return _listing_photos_store(actor=actor, listing=listing, photos=normalised)


@transaction.atomic
def _listing_photos_store(
    *, actor, listing: Listing, photos: list[NormalisedPhoto]
) -> list[ListingPhoto]:
    locked = listing_lock(listing)
    owner_operator_or_helper_check(actor, locked)
    count = locked.photos.count()
    photo_count_validate(existing=count, adding=len(photos))  # again, under the lock
    saved: list[ListingPhoto] = []
    try:
        for offset, normalised in enumerate(photos):
            photo = ListingPhoto(listing=locked, position=count + offset)
            photo.original.save(
                f"photo.{normalised.extension}", ContentFile(normalised.data), save=False
            )
            # Known already: no need for ImageField to decode the stored file's header.
            photo.width, photo.height = normalised.width, normalised.height
            saved.append(photo)
            photo.save()
        content_changed(listing=locked, actor=actor, what=str(ListingPhoto._meta.verbose_name))
    except Exception:
        # No row will point at these files: the transaction is rolled back.
        for photo in saved:
            photo.original.delete(save=False)
        raise
    schema_name = connection.schema_name
    for photo in saved:
        # robust: the photo is saved either way; a broker hiccup only delays its renditions,
        # which listing_photo_renditions_make can produce at any later time.
        transaction.on_commit(
            partial(_listing_photo_renditions_queue, photo_id=photo.pk, schema_name=schema_name),
            robust=True,
        )
    return saved


def _listing_photo_renditions_queue(*, photo_id: int, schema_name: str) -> None:
    task_queue(
        "farmers.tasks.listing_photo_renditions",
        args=(photo_id, schema_name),
        schema_name=schema_name,
    )


def _rendition_paths(photo: ListingPhoto) -> list[str]:
    return [entry["path"] for entry in (photo.renditions or {}).values() if entry.get("path")]


@transaction.atomic
def listing_photo_renditions_make(*, photo_id: int) -> ListingPhoto | None:
    """Make and store the storefront WebP renditions of a photo's original, in the current
    county's media folder beside the original (farmers.images.rendition_filename).

    Idempotent: a photo whose renditions are ready is left alone; a run interrupted half way
    is simply done again (files at the same names are replaced). Returns None when the photo
    is gone (removed before the task ran). The photo row stays locked while the renditions
    are made, so two runs for the same photo do the work once.
    """
    photo = ListingPhoto.objects.select_for_update().filter(pk=photo_id).first()
    if photo is None or photo.renditions_ready:
        return photo
    with photo.original.open("rb") as original:
        data = original.read()
    renditions = {}
    for name, rendition in photo_renditions(data).items():
        path = rendition_filename(photo.original.name, name)
        if default_storage.exists(path):
            default_storage.delete(path)
        stored = default_storage.save(path, ContentFile(rendition.data))
        renditions[name] = {
            "name": name,
            "width": rendition.width,
            "height": rendition.height,
            "path": stored,
        }
    photo.renditions = renditions
    photo.renditions_ready = True
    photo.save(update_fields=["renditions", "renditions_ready"])
    # The province catalogue shows the first ready photo.
    listing_province_sync_queue(listing_ids=[photo.listing_id])
    return photo


@transaction.atomic
def listing_photo_remove(*, actor, photo: ListingPhoto) -> Listing:
    locked = listing_lock(photo.listing_id)
    owner_or_operator_check(actor, locked)
    current = ListingPhoto.objects.select_for_update().filter(pk=photo.pk, listing=locked).first()
    if current is None:
        return locked
    names = [current.original.name, *_rendition_paths(current)]
    current.delete()
    # This county's folder, fixed now: the tenant storage follows the connection's schema,
    # which may have changed by the time the commit callback runs.
    storage = FileSystemStorage(location=default_storage.location)

    def delete_files():
        for name in names:
            storage.delete(name)

    # The files go only once the row is gone for good.
    transaction.on_commit(delete_files)
    content_changed(listing=locked, actor=actor, what=str(ListingPhoto._meta.verbose_name))
    return locked
