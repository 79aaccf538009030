"""The county operator group: what a county operator may do in their county's Wagtail admin.

Created in the template schema, so every cloned county has it, and checked again by
county_site_setup so a county created by migrations has it too.
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

COUNTY_OPERATORS_GROUP = "County operators"

# Everything page-related on the county's tree: curate the home page, banners, news.
PAGE_CODENAMES = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
# Upload and use images and documents for those pages.
COLLECTION_CODENAMES = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
MODEL_PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    # Sellers and the listing review queue (farmers/wagtail_hooks.py). No delete: sellers and
    # listings carry orders and a moderation log; they are delisted, never deleted.
    ("farmers", "view_seller"),
    ("farmers", "add_seller"),
    ("farmers", "change_seller"),
    ("farmers", "view_listing"),
    ("farmers", "change_listing"),
    ("farmers", "moderate_listing"),
    # Village service points (service_points/wagtail_hooks.py).
    ("service_points", "view_servicepoint"),
    ("service_points", "add_servicepoint"),
    ("service_points", "change_servicepoint"),
    # Orders (county_sites/orders/wagtail_hooks.py): zones edited; orders and refund requests
    # read in the admin and moved on only through county_sites.orders.services; the ledger read.
    ("orders", "view_deliveryzone"),
    ("orders", "add_deliveryzone"),
    ("orders", "change_deliveryzone"),
    ("orders", "view_order"),
    ("orders", "view_refundrequest"),
    ("ledger", "view_ledgerentry"),
)


def county_operator_group_ensure() -> Group:
    group, _created = Group.objects.get_or_create(name=COUNTY_OPERATORS_GROUP)
    for app_label, codename in MODEL_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    root_page = Page.get_first_root_node()
    for codename in PAGE_CODENAMES:
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=codename
        )
        GroupPagePermission.objects.get_or_create(
            group=group, page=root_page, permission=permission
        )
    root_collection = Collection.get_first_root_node()
    for app_label, codename in COLLECTION_CODENAMES:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=permission
        )
    return group
