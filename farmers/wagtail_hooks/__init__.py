"""The county Wagtail admin of farmers, found by Wagtail as `farmers.wagtail_hooks`: the menu
group 农户与商品 with the listing review queue (listings) and sellers (sellers), and the bulk
import pages (imports). Importing this package registers every hook of its modules."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from farmers.wagtail_hooks import imports  # noqa: F401  (registers the bulk import pages)
from farmers.wagtail_hooks.listings import ListingViewSet
from farmers.wagtail_hooks.sellers import SellerViewSet


class FarmersViewSetGroup(ModelViewSetGroup):
    menu_label = _("农户与商品")
    menu_icon = "group"
    menu_order = 300
    items = [ListingViewSet("listings"), SellerViewSet("sellers")]


@hooks.register("register_admin_viewset")
def register_farmers_viewsets():
    return FarmersViewSetGroup()
