"""Fixtures of ordering for a villager (tests/fixtures/assisted.py)."""

from tests.fixtures.assisted import (  # noqa: F401  (fixtures)
    clerk,
    clerk_q,
    fresh_tries,
    point_q,
    villager,
)
