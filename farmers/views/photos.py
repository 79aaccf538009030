"""The one way a listing photo file is sent to a signed-in seller or operator
(listing_photo_response): the seller's pages and the county admin's review both use it."""

from django.http import HttpResponse

from core.media import media_response
from farmers.models import ListingPhoto

PRIVATE_CACHE_CONTROL = "private, no-cache"


def listing_photo_response(request, photo: ListingPhoto, rendition: str) -> HttpResponse:
    """The photo's `rendition` WebP once the renditions are made, its stored JPEG until then.

    For pages of people allowed to see the listing (its seller, county operators): the county's
    media folder is not served publicly, and callers check who is asking.
    """
    entry = (photo.renditions or {}).get(rendition) if photo.renditions_ready else None
    storage = photo.original.storage
    if entry:
        return media_response(
            request,
            storage,
            entry["path"],
            content_type="image/webp",
            cache_control=PRIVATE_CACHE_CONTROL,
        )
    return media_response(
        request,
        storage,
        photo.original.name,
        content_type="image/jpeg",
        cache_control=PRIVATE_CACHE_CONTROL,
    )
