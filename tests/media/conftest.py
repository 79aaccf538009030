"""Fixtures of the media tests: point P's clerk (tests/fixtures/assisted.py)."""

from tests.fixtures.assisted import clerk, clerk_client  # noqa: F401  (fixtures)
