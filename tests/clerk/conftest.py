"""Fixtures of the clerk tests: two points of county A with a clerk each."""

from tests.clerk.villager_helpers import (  # noqa: F401  (fixtures)
    clerk,
    clerk_client,
    clerk_q,
    point_q,
)
