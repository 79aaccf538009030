"""Fixtures of the till and point-commission tests: two points of county A with a clerk each
(tests/fixtures/assisted.py)."""

from tests.fixtures.assisted import clerk, clerk_q, point_q  # noqa: F401  (fixtures)
