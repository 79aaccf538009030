"""What the seller page tests share: page URLs, the login page, Django's required message in
Chinese, listing forms to post, and a photo added to a listing."""

from django import forms
from django.urls import reverse
from django.utils.translation import override

from farmers.models import Listing
from farmers.services import listing_photo_add
from hub.taxonomy import Unit
from tests.factories.farmers import category
from tests.farmers.images_helpers import encode

State = Listing.State
LOGIN = "/account/login/"
with override("zh-hans"):
    # Django's own message, as the pages show it in Chinese.
    REQUIRED = str(forms.Field.default_error_messages["required"])


def url(name: str, *args) -> str:
    return reverse(f"farmers:{name}", args=args)


def _listing_form(**overrides) -> dict:
    data = {
        "title": "安吉白茶",
        "category": category("tea").pk,
        "unit": Unit.BOX,
        "price_yuan": "128.50",
        "stock": "20",
        "min_order_qty": "1",
        "harvest_start": "2026-04-01",
        "harvest_end": "2026-04-20",
        "origin_village": "",
        "description": "明前茶，手工炒制。",
    }
    data.update(overrides)
    return data


def _edit_form(listing: Listing, **overrides) -> dict:
    data = {
        "title": listing.title,
        "category": listing.category_id,
        "unit": listing.unit,
        "price_yuan": listing.price_yuan,
        "stock": str(listing.stock),
        "min_order_qty": str(listing.min_order_qty),
        "harvest_start": "",
        "harvest_end": "",
        "origin_village": listing.origin_village,
        "description": listing.description,
    }
    data.update(overrides)
    return data


def _photo(listing):
    return listing_photo_add(
        actor=listing.seller.user, listing=listing, image=encode(_pixel(), "JPEG")
    )


def _pixel():
    from PIL import Image

    return Image.new("RGB", (8, 6), (10, 120, 10))
