"""farmers' modules by role (issue 8): the packages re-export what callers import, the shared
messages are core's own, and the Celery tasks keep the names queued messages carry."""

import importlib

import pytest
from wagtail import hooks

import core.roles
import core.updates
import farmers.selectors
import farmers.services
from farmers.tasks import farmers_import_run, listing_photo_renditions
from farmers.wagtail_hooks import FarmersViewSetGroup, register_farmers_viewsets
from farmers.wagtail_hooks.imports import register_import_menu_item, register_import_urls
from farmers.wagtail_hooks.listings import ApproveListingsBulkAction


def test_the_celery_tasks_keep_their_names():
    assert listing_photo_renditions.name == "farmers.tasks.listing_photo_renditions"
    assert farmers_import_run.name == "farmers.import_tasks.farmers_import_run"


def test_farmers_services_shares_cores_messages():
    assert farmers.services.MSG_OPERATOR_ONLY is core.roles.MSG_OPERATOR_ONLY
    assert farmers.services.MSG_UNKNOWN_FIELDS is core.updates.MSG_UNKNOWN_FIELDS


def test_the_wagtail_hooks_package_registers_every_hook():
    assert register_farmers_viewsets in hooks.get_hooks("register_admin_viewset")
    assert ApproveListingsBulkAction in hooks.get_hooks("register_bulk_action")
    assert register_import_urls in hooks.get_hooks("register_admin_urls")
    assert register_import_menu_item in hooks.get_hooks("register_admin_menu_item")
    assert [type(item).__name__ for item in FarmersViewSetGroup.items] == [
        "ListingViewSet",
        "SellerViewSet",
    ]


@pytest.mark.parametrize(
    "module",
    [
        "farmers.import_tasks",
        "farmers.import_views",
        "farmers.seller_forms",
        "farmers.seller_views",
        "farmers.wagtail_hooks_import",
    ],
)
def test_the_old_module_names_are_gone(module):
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(module)


def test_the_unused_review_queue_selector_is_gone():
    assert not hasattr(farmers.selectors, "listing_review_queue")
