"""Template helpers of the storefront: prices from fen, stock state, the cart count, listing
photos as responsive WebP <img> with width/height (no layout shift) and lazy loading, served
by catalogue.views.listing_photo_file at versioned URLs (catalogue.photos)."""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from county_sites.catalogue.photos import rendition_url
from county_sites.orders.models import Order
from county_sites.orders.selectors import cart_line_count_for_user
from county_sites.orders.signals import SESSION_CART

register = template.Library()

ORDER_STATE_LABELS = dict(Order.State.choices)
# Below this many units left a listing shows "库存紧张".
LOW_STOCK = 10
# Widths of the renditions made by farmers.images (RENDITION_SIZES): thumb 240, card 480,
# large 1080 on the longest side.
SIZES_CARD = "(min-width: 40rem) 19rem, 50vw"
SIZES_FULL = "(min-width: 40rem) 40rem, 100vw"
# Constant attribute markup, no input in it.
LAZY = mark_safe('loading="lazy" decoding="async"')  # noqa: S308
EAGER = mark_safe('fetchpriority="high"')  # noqa: S308


@register.filter
def yuan(price_fen) -> str:
    """350 -> "¥3.50"."""
    try:
        fen = int(price_fen)
    except (TypeError, ValueError):
        return ""
    return f"¥{fen // 100}.{fen % 100:02d}"


@register.filter
def price_per_unit(listing) -> str:
    """ "¥12.50/斤"."""
    return f"{yuan(listing.price_fen)}/{listing.get_unit_display()}"


@register.filter
def line_total(line) -> str:
    """A cart line's listing price × quantity: "¥256.00"."""
    return yuan(line.listing.price_fen * line.quantity)


@register.filter
def order_state_label(state: str) -> str:
    """An order event's state value as the resident reads it ("paid" -> "已支付")."""
    return str(ORDER_STATE_LABELS.get(state, state))


@register.filter
def stock_state(listing) -> str:
    if listing.stock <= 0 or listing.stock < listing.min_order_qty:
        return "out"
    if listing.stock < LOW_STOCK:
        return "low"
    return "in"


STOCK_LABELS = {"in": _("有货"), "low": _("库存紧张"), "out": _("已售罄")}


@register.simple_tag
def stock_label(listing) -> str:
    return str(STOCK_LABELS[stock_state(listing)])


@register.simple_tag(takes_context=True)
def cart_count(context) -> int:
    """Items in the visitor's cart: their DB cart when signed in, else their session's.
    Without a session cookie there is no cart, and the session is not even loaded."""
    request = context.get("request")
    if request is None:
        return 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return cart_line_count_for_user(user=user)
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return 0
    return len(request.session.get(SESSION_CART) or {})


def _renditions(photo) -> list[tuple[str, int, int]]:
    """(url, width, height) of a photo's ready renditions, smallest first."""
    if photo is None or not photo.renditions_ready:
        return []
    found = []
    for name, entry in (photo.renditions or {}).items():
        if not isinstance(entry, dict) or not entry.get("path"):
            continue
        width, height = entry.get("width"), entry.get("height")
        if not width or not height:
            continue
        found.append((rendition_url(photo.pk, name, entry), int(width), int(height)))
    return sorted(found, key=lambda item: item[1])


def _first_ready(photos):
    for photo in photos:
        if photo.renditions_ready:
            return photo
    return None


@register.simple_tag
def listing_img(photo_or_listing, *, size="card", lazy=True, alt="", css=""):
    """An <img> with srcset over the photo's WebP renditions, the `size` rendition as src and
    its width/height. Given a listing, its first ready photo (photos prefetched in order);
    nothing ready: an empty placeholder box."""
    photo = photo_or_listing
    if hasattr(photo_or_listing, "photos"):
        photo = _first_ready(photo_or_listing.photos.all())
        alt = alt or photo_or_listing.title
    renditions = _renditions(photo)
    if not renditions:
        return format_html('<span class="ph {}" role="img" aria-label="{}"></span>', css, alt)
    wanted = {"thumb": 240, "card": 480, "large": 1080}.get(size, 480)
    src = next((r for r in renditions if r[1] >= wanted * 0.9), renditions[-1])
    srcset = ", ".join(f"{url} {width}w" for url, width, _h in renditions)
    sizes = SIZES_FULL if size == "large" else SIZES_CARD
    loading = LAZY if lazy else EAGER
    return format_html(
        '<img class="{}" src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" {}>',
        css,
        src[0],
        srcset,
        sizes,
        src[1],
        src[2],
        alt,
        loading,
    )
