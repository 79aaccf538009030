"""The Jinja2 environment of the storefront's hottest uncached page, the product page
(docs/adr/0011). Django's Jinja2 backend gives templates `request`; this adds the same
helpers the Django templates use, as plain functions shared with
county_sites.storefront.templatetags.storefront, so both engines print the same markup. Forms print
`csrf_field(request)`, not the backend's `csrf_input` (see csrf_field).

Translations: `{{ _("中文原文") }}` only, with `|format(name=value)` for placeholders, so that
Django's makemessages (which reads `{{ _("...") }}` in any .html file) finds every string and
the catalogues stay one (locale/README.md). Autoescaping is on; Django's SafeString values
(`listing_img`, `linebreaksbr`) are already HTML and pass through."""

from django.template.backends.utils import csrf_input
from django.template.defaultfilters import date, linebreaksbr
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, gettext
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from county_sites.storefront.templatetags.storefront import (
    cart_items,
    certification_label,
    listing_img,
    price_per_unit,
    seller_kind_label,
    site_footer_html,
    site_nav_html,
    stock_label,
    stock_state,
    storefront_url,
    unit_label,
    yuan,
)
from hub.templatetags.language_switch import language_switch_html


def csrf_field(request) -> Markup:
    """The hidden CSRF field, the same on every form of the page. The backend's `csrf_input`
    masks the token afresh each time it is printed; Django templates print one per page,
    and the page cache (county_sites.storefront.page_cache) expects that."""
    field = getattr(request, "_fengshou_csrf_field", None)
    if field is None:
        field = request._fengshou_csrf_field = Markup(csrf_input(request))  # noqa: S704
    return field


def url(name: str, *args) -> str:
    """{% url name args %}."""
    return reverse(name, args=args)


def environment(**options) -> Environment:
    # A name the template misspells fails its tests instead of printing nothing.
    options["undefined"] = StrictUndefined
    env = Environment(**options)  # noqa: S701  (the backend passes autoescape=True)
    env.globals.update(
        # Only `_`: the one spelling makemessages extracts from a template.
        _=gettext,
        language_code=get_language,
        static=static,
        url=url,
        csrf_field=csrf_field,
        storefront_url=storefront_url,
        cart_items=cart_items,
        language_switch=language_switch_html,
        site_nav=site_nav_html,
        site_footer=site_footer_html,
        listing_img=listing_img,
        stock_label=stock_label,
    )
    env.filters.update(
        date=date,
        linebreaksbr=linebreaksbr,
        yuan=yuan,
        price_per_unit=price_per_unit,
        unit_label=unit_label,
        seller_kind_label=seller_kind_label,
        certification_label=certification_label,
        stock_state=stock_state,
    )
    return env
