"""Order fixtures for the roll-up tests of this folder (tests/fixtures/orders.py)."""

from tests.fixtures.orders import (  # noqa: F401  (fixtures)
    bamboo_seller,
    buyer,
    county_operator,
    point,
    shoots,
    tea,
    tea_seller,
)
