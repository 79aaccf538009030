"""Roles of a county and what they may do: the county operator group and its permission
table for the county's Wagtail admin, and the one operator check every service uses.

The group is created in the template schema, so every cloned county has it, and checked again
by hub's county creation (and `sync_county_groups` after an upgrade) so every county has today's
permissions.
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from core.errors import ApplicationError

COUNTY_OPERATORS_GROUP = "County operators"
MSG_OPERATOR_ONLY = _("只有县级运营人员可以这样做。")


def is_county_operator(user) -> bool:
    """A member of the county operator group, or a superuser, of this county's schema."""
    if user is None or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=COUNTY_OPERATORS_GROUP).exists()


def county_operator_check(actor) -> None:
    """Refuse unless `actor` is a county operator. Always a person: no `None` that a careless
    caller could pass to skip the check."""
    if not is_county_operator(actor):
        raise ApplicationError(MSG_OPERATOR_ONLY)


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
    # Sellers and the listing review queue (farmers/wagtail_hooks/). No delete: sellers and
    # listings carry orders and a moderation log; they are delisted, never deleted.
    ("farmers", "view_seller"),
    ("farmers", "add_seller"),
    ("farmers", "change_seller"),
    ("farmers", "view_listing"),
    ("farmers", "change_listing"),
    ("farmers", "moderate_listing"),
    # Village service points, their clerks and shelf positions (service_points/wagtail_hooks.py),
    # and the county's service-point settings (Settings > 服务点设置). No delete: a clerk's row
    # records who they were, and points and positions are deactivated.
    ("service_points", "view_servicepoint"),
    ("service_points", "add_servicepoint"),
    ("service_points", "change_servicepoint"),
    ("service_points", "view_clerk"),
    ("service_points", "add_clerk"),
    ("service_points", "change_clerk"),
    ("service_points", "view_shelfposition"),
    ("service_points", "add_shelfposition"),
    ("service_points", "change_shelfposition"),
    ("service_points", "change_servicepointsettings"),
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
