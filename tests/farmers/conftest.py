"""Farmers fixtures for this folder (tests/conftest.py registers the suite-wide ones)."""

from tests.fixtures.farmers import (  # noqa: F401  (fixtures)
    approved_listing,
    draft_listing,
    operator,
    other_seller,
    seller,
    submitted_listing,
)
