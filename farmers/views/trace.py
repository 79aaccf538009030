"""Public traceability pages of farmers on a county host (/trace/<code>/ and its QR code); they
read through farmers.selectors."""

import io

import qrcode
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from qrcode.image.pil import PilImage

from county_sites.storefront.page_cache import page_cacheable
from farmers.models import Listing
from farmers.selectors import traceability_batch_get_public


def _batch_or_404(code: str):
    batch = traceability_batch_get_public(code=code)
    if batch is None:
        raise Http404
    return batch


# Page-cached for anonymous visitors instead of `Cache-Control: public`: the header names a
# signed-in visitor, which no shared HTTP cache may keep.
@page_cacheable
def trace_batch(request, code: str):
    """Where a batch came from, for a buyer who scanned the QR code on the package; with the
    way back to the product (while it is on sale) and the seller's shop."""
    batch = _batch_or_404(code)
    return render(
        request,
        "farmers/trace_batch.html",
        {
            "batch": batch,
            "listing": batch.listing,
            "seller": batch.listing.seller,
            "certifications": batch.listing.certifications.all(),
            "on_sale": batch.listing.state == Listing.State.APPROVED,
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
