"""Wagtail's reference index (wagtail.models.ReferenceIndex) is updated on every save of a
model with a foreign key. Transactional rows are never referenced from CMS content, so they
are marked `wagtail_reference_index_ignore` and an order placement writes nothing to it;
what pages and snippets do reference (listings, sellers, categories, service points) stays
indexed (issue 13)."""

from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ReferenceIndex

from tests.fixtures.orders import place

# Two lines, pickup, on-commit work run. Before the marks: 27, 8 of them the reference index
# updating Order (Wagtail admin viewsets register it) and reading it back.
PLACEMENT_QUERIES = 19
TRANSACTIONAL = [
    "orders.Order",
    "orders.OrderLine",
    "orders.OrderHandover",
    "orders.OrderEvent",
    "orders.OrderConfirmation",
    "orders.PointDelivery",
    "orders.RefundRequest",
    "orders.RefundRequestPhoto",
    "orders.Cart",
    "orders.CartLine",
    "ledger.LedgerEntry",
    "ledger.TillClose",
    "payments.Payment",
    "payments.Refund",
    "credit.CreditLine",
    "credit.CreditDraw",
    "credit.CreditInstalment",
    "credit.CreditReturn",
    "accounts.SmsCode",
    "accounts.SmsOutbox",
    "accounts.Consent",
    "accounts.SharingRecord",
    "farmers.ModerationDecision",
    "farmers.ImportJob",
    "farmers.ImportRowResult",
    "farmers.ImportedListing",
]
REFERENCED_FROM_CMS = [
    "farmers.Listing",
    "farmers.Seller",
    "hub.Category",
    "service_points.ServicePoint",
]


@pytest.mark.parametrize("label", TRANSACTIONAL)
def test_transactional_models_are_not_indexed(label):
    assert ReferenceIndex.model_is_indexable(apps.get_model(label)) is False


@pytest.mark.parametrize("label", REFERENCED_FROM_CMS)
def test_what_cms_content_references_is_not_marked(label):
    assert getattr(apps.get_model(label), "wagtail_reference_index_ignore", False) is False


@pytest.fixture
def admin_viewsets_registered():
    """The Wagtail admin's model viewsets register their models with the reference index
    when the URLconfs load (a worker's first request): Order and RefundRequest among them."""
    for urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF):
        import_module(urlconf)


def test_placing_an_order_writes_nothing_to_the_reference_index(
    admin_viewsets_registered, buyer, tea, shoots, point, django_capture_on_commit_callbacks
):
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        place(buyer, [(tea, 2), (shoots.pk, 3)], point=point)

    touching = [q["sql"] for q in queries if "wagtailcore_referenceindex" in q["sql"]]
    assert touching == []
    assert len(queries) == PLACEMENT_QUERIES, "\n".join(q["sql"] for q in queries)
