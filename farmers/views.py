"""Public views of farmers on a county host; they read through farmers.selectors. Also the
one way a listing photo file is sent to a signed-in seller or operator (listing_photo_response).
"""

import io

import qrcode
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from qrcode.image.pil import PilImage

from farmers.models import ListingPhoto
from farmers.selectors import traceability_batch_get_public


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


def _batch_or_404(code: str):
    batch = traceability_batch_get_public(code=code)
    if batch is None:
        raise Http404
    return batch


@cache_control(public=True, max_age=300)
def trace_batch(request, code: str):
    """Where a batch came from, for a buyer who scanned the QR code on the package."""
    batch = _batch_or_404(code)
    return render(
        request,
        "farmers/trace_batch.html",
        {
            "batch": batch,
            "listing": batch.listing,
            "seller": batch.listing.seller,
            "certifications": batch.listing.certifications.all(),
        },
    )


@cache_control(public=True, max_age=86400)
def trace_batch_qr(request, code: str):
    """A PNG QR code of the batch's traceability page, to print on labels and packages."""
    _batch_or_404(code)
    url = request.build_absolute_uri(reverse("farmers:trace", args=[code]))
    # Error correction M survives a smudged or creased label; box size 8 prints at 2.5 cm.
    maker = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    maker.add_data(url)
    buffer = io.BytesIO()
    maker.make_image(image_factory=PilImage).save(buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/png")
