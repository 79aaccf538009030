"""Template helpers of the storefront: prices from fen, stock state, the cart count, listing
photos as responsive WebP <img> with width/height (no layout shift) and lazy loading, served
by catalogue.views.listing_photo_file at versioned URLs (catalogue.photos)."""

import re

from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.rich_text import RichText

from core.money import yuan_sign
from county_sites.catalogue.photos import rendition_url
from county_sites.orders.models import Order
from county_sites.orders.selectors import (
    SESSION_CART,
    cart_line_count_for_user,
    mobile_masked,
)
from county_sites.storefront.selectors import NO_ROLES, visitor_roles
from farmers.models import Seller
from hub import vocabulary

register = template.Library()
_csrf_token = CsrfTokenNode()

# value -> lazy label. Model.get_FOO_display() rebuilds a dict of every choice on each call,
# hashing (so translating) every label: on a product page that was most of its gettext calls.
# Here one lookup and one translation of the label shown.
ORDER_STATE_LABELS = dict(Order.State.choices)
SELLER_KIND_LABELS = dict(Seller.Kind.choices)
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
    """350 -> "¥3.50", -150 -> "-¥1.50"."""
    try:
        fen = int(price_fen)
    except (TypeError, ValueError):
        return ""
    return yuan_sign(fen)


def _label(labels: dict, value) -> str:
    label = labels.get(value)
    return value if label is None else str(label)


@register.filter
def unit_label(unit: str) -> str:
    """A unit's value as the resident reads it ("jin" -> "斤"), as get_unit_display()."""
    return vocabulary.unit_label(unit)


@register.filter
def seller_kind_label(kind: str) -> str:
    """A seller kind's value as the resident reads it ("farmer" -> "农户")."""
    return _label(SELLER_KIND_LABELS, kind)


@register.filter
def certification_label(kind: str) -> str:
    """A certification kind's value as the resident reads it ("organic" -> "有机产品")."""
    return vocabulary.certification_label(kind)


@register.filter
def price_per_unit(listing) -> str:
    """ "¥12.50/斤"."""
    return f"{yuan(listing.price_fen)}/{unit_label(listing.unit)}"


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


# (URLconf, script prefix, name, args) -> path. Bounded: the storefront's fixed links and one
# per category.
_urls: dict[tuple, str] = {}
URLS_REMEMBERED = 1000


@register.simple_tag
def storefront_url(name: str, *args) -> str:
    """{% url name args %} for the links every storefront page repeats (cart, add to cart,
    categories), remembered per URLconf: reverse() took about 13 µs a link. Not for
    arguments without bound (order numbers, trace codes): use {% url %}."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name, args)
    found = _urls.get(key)
    if found is None:
        if len(_urls) >= URLS_REMEMBERED:
            _urls.clear()
        found = _urls[key] = escape(reverse(name, args=args))
    return found


@register.simple_tag(takes_context=True)
def cart_count(context) -> int:
    return cart_items(context.get("request"))


def cart_items(request) -> int:
    """Items in the visitor's cart: their DB cart when signed in, else their session's.
    Without a session cookie there is no cart, and the session is not even loaded."""
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
    found.sort(key=lambda item: item[1])
    return found


def _first_ready(photos):
    for photo in photos:
        if photo.renditions_ready:
            return photo
    return None


WANTED_WIDTHS = {"thumb": 240, "card": 480, "large": 1080}


@register.simple_tag
def listing_img(photo_or_listing, *, size="card", lazy=True, alt="", css=""):
    """An <img> with srcset over the photo's WebP renditions, the `size` rendition as src and
    its width/height. Given a listing, its first ready photo (photos prefetched in order);
    nothing ready: an empty placeholder box.

    Built in one pass with one escape per value (it runs for every card of a list): URLs
    are made by catalogue.photos from integers and hex digits only, still escaped."""
    photo = photo_or_listing
    if hasattr(photo_or_listing, "photos"):
        photo = _first_ready(photo_or_listing.photos.all())
        alt = alt or photo_or_listing.title
    renditions = _renditions(photo)
    if not renditions:
        return format_html('<span class="ph {}" role="img" aria-label="{}"></span>', css, alt)
    wanted = WANTED_WIDTHS.get(size, 480) * 0.9
    src = renditions[-1]
    for rendition in renditions:
        if rendition[1] >= wanted:
            src = rendition
            break
    srcset = ", ".join([f"{url} {width}w" for url, width, _h in renditions])
    sizes = SIZES_FULL if size == "large" else SIZES_CARD
    loading = LAZY if lazy else EAGER
    # Same markup as format_html() over these values; without its per-argument overhead.
    return mark_safe(  # noqa: S308  (every value below is escaped)
        f'<img class="{escape(css)}" src="{escape(src[0])}" srcset="{escape(srcset)}" '
        f'sizes="{sizes}" width="{src[1]}" height="{src[2]}" alt="{escape(alt)}" {loading}>'
    )


# ------------------------------------------------------------------------------------------
# The header's navigation and the footer of every county page (templates/county_base.html and
# the Jinja2 frame). Anonymous pages may be page-cached (county_sites.storefront.page_cache),
# so what they show depends on nothing but the path: the signed-in name, the roles and the
# logout form are only printed for a signed-in visitor, whose pages are never stored.
# ------------------------------------------------------------------------------------------
def _site_urls() -> dict:
    return {
        "orders": storefront_url("orders:list"),
        "cart": storefront_url("orders:cart"),
        "seller": storefront_url("farmers:seller_home"),
        "clerk": storefront_url("clerk:console_home"),
        "admin": storefront_url("wagtailadmin_home"),
        "staff": storefront_url("wagtailadmin_login"),
        "login": storefront_url("accounts:login"),
        "logout": storefront_url("accounts:logout"),
    }


def _visitor_name(user) -> str:
    name = user.get_full_name().strip()
    return name or mobile_masked(user.mobile or "") or user.get_username()


def site_nav_html(request, csrf_input: str) -> str:
    """The links that give every role its way: my orders, the seller area for sellers, the
    clerk console for clerks, the admin for operators, sign in or out."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    roles = visitor_roles(user=user) if signed_in else NO_ROLES
    return get_template("county_sites/_site_nav.html", using="django").render(
        {
            "urls": _site_urls(),
            "roles": roles,
            "signed_in": signed_in,
            "who": _visitor_name(user) if signed_in else "",
            "csrf_input": mark_safe(csrf_input),  # noqa: S308  (Django's own hidden field)
            "next": request.get_full_path() if request is not None else "/",
        }
    )


def site_footer_html() -> str:
    return get_template("county_sites/_site_footer.html", using="django").render(
        {"urls": _site_urls()}
    )


@register.simple_tag(takes_context=True)
def site_nav(context) -> str:
    return site_nav_html(context.get("request"), _csrf_token.render(context))


@register.simple_tag
def site_footer() -> str:
    return site_footer_html()


_ONE_PARAGRAPH = re.compile(r"<p>([^<]*)</p>")


@register.filter
def seeded_in_reader_language(text):
    """An announcement still as services.home_page_default_body seeded it (one paragraph
    holding a msgid) reads in the reader's language; anything an operator wrote is kept."""
    source = str(getattr(text, "source", text))
    match = _ONE_PARAGRAPH.fullmatch(source)
    if match is None:
        return text
    translated = gettext(match.group(1))
    if translated == match.group(1):
        return text
    return RichText(f"<p>{escape(translated)}</p>")


@register.simple_tag
def listing_grid(listings):
    """The grid of product cards (home blocks, category, search, a seller's shop), printed by
    the Jinja2 template of the same name: profiling the uncached home page (36 cards) found
    the Django-template version of this loop about a third of its rendering (issue 13;
    docs/adr/0011 made the same move for the product page). Jinja2 escapes every value."""
    html = get_template("county_sites/catalogue/_listing_grid.html", using="jinja2").render(
        {"listings": listings}
    )
    return mark_safe(html)  # noqa: S308  (autoescaped by Jinja2)
