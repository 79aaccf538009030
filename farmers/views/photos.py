"""The one way a listing photo file is sent to a signed-in seller or operator
(listing_photo_response): the seller's pages and the county admin's review both use it."""

from django.http import FileResponse

from farmers.models import ListingPhoto


def listing_photo_response(photo: ListingPhoto, rendition: str) -> FileResponse:
    """The photo's `rendition` WebP once the renditions are made, its stored JPEG until then.

    For pages of people allowed to see the listing (its seller, county operators): the county's
    media folder is not served publicly, and callers check who is asking.
    """
    entry = (photo.renditions or {}).get(rendition) if photo.renditions_ready else None
    if entry:
        return FileResponse(
            photo.original.storage.open(entry["path"], "rb"), content_type="image/webp"
        )
    return FileResponse(photo.original.open("rb"), content_type="image/jpeg")
