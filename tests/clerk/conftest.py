"""Fixtures of the clerk tests: two points of county A with a clerk each, a villager of point P
(tests/fixtures/assisted.py), and a client signed in as P's clerk."""

from tests.fixtures.assisted import (  # noqa: F401  (fixtures)
    clerk,
    clerk_client,
    clerk_q,
    fresh_tries,
    point_q,
    villager,
)
