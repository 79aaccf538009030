"""Orders, payments and ledger fixtures for this folder (tests/fixtures/orders.py)."""

from tests.fixtures.farmers import operator  # noqa: F401  (fixture)
from tests.fixtures.orders import (  # noqa: F401  (fixtures)
    bamboo_seller,
    bank_in_process,
    buyer,
    county_operator,
    other_buyer,
    point,
    shoots,
    tea,
    tea_seller,
    zone,
)
