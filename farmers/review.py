"""What the review queue warns an operator about before they approve a listing (issue 14,
point 6): no photo (it would go live as a grey card), a title another listing of the county
already has, markup in the title or description, a certification without its number.

Warnings, not refusals: the operator decides. One annotated queryset answers them for a whole
page of the queue (no query per row); `listing_review_warnings` reads the annotations."""

import re

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Lower, Trim
from django.utils.translation import gettext_lazy as _

from farmers.models import Listing, ListingCertification, ListingPhoto
from hub.taxonomy import CERTIFICATE_NUMBER_REQUIRED

WARN_NO_PHOTO = _("没有照片")
WARN_DUPLICATE_TITLE = _("本县已有同名商品")
WARN_MARKUP = _("标题或介绍里有网页代码")
WARN_CERTIFICATE_NUMBER = _("有认证没填证书编号")

# HTML tags and entities, and the forum codes imports bring along ("[url]", "[img]").
MARKUP = re.compile(
    r"<\s*/?\s*[a-zA-Z!][^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|\[/?(?:url|img|b|i|a)\b",
)
# A listing counts as a namesake while it is or may be on sale: not drafts or rejections.
NAMESAKE_STATES = (Listing.State.SUBMITTED, Listing.State.APPROVED, Listing.State.DELISTED)


def listing_review_annotate(listings: QuerySet[Listing]) -> QuerySet[Listing]:
    """`listings` with what the warnings need, as three EXISTS columns of the same query."""
    namesakes = (
        Listing.objects.filter(state__in=NAMESAKE_STATES)
        .annotate(review_title=Lower(Trim("title")))
        .filter(review_title=Lower(Trim(OuterRef("title"))))
        .exclude(pk=OuterRef("pk"))
    )
    return listings.annotate(
        review_has_photo=Exists(ListingPhoto.objects.filter(listing_id=OuterRef("pk"))),
        review_namesake=Exists(namesakes),
        review_certificate_unnumbered=Exists(
            ListingCertification.objects.filter(
                listing_id=OuterRef("pk"),
                kind__in=CERTIFICATE_NUMBER_REQUIRED,
                certificate_number__regex=r"^\s*$",
            )
        ),
    )


def listing_review_warnings(listing: Listing) -> list[str]:
    """The warnings of a listing from listing_review_annotate, in the order they matter."""
    warnings = []
    if not listing.review_has_photo:
        warnings.append(str(WARN_NO_PHOTO))
    if listing.review_namesake:
        warnings.append(str(WARN_DUPLICATE_TITLE))
    if MARKUP.search(listing.title) or MARKUP.search(listing.description or ""):
        warnings.append(str(WARN_MARKUP))
    if listing.review_certificate_unnumbered:
        warnings.append(str(WARN_CERTIFICATE_NUMBER))
    return warnings


def listing_review_warnings_by_id(*, listing_ids) -> dict[int, list[str]]:
    """Warnings of each listing among `listing_ids` that has any (one query)."""
    found = listing_review_annotate(Listing.objects.filter(pk__in=list(listing_ids)))
    return {
        listing.pk: warnings for listing in found if (warnings := listing_review_warnings(listing))
    }
