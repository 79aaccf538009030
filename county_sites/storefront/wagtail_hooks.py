"""The county Wagtail admin: the chooser of approved listings for the home page's blocks."""

from wagtail import hooks

from county_sites.storefront.chooser import listing_chooser_viewset


@hooks.register("register_admin_viewset")
def register_listing_chooser_viewset():
    return listing_chooser_viewset
