"""API clients authenticated by a bearer token or by the storefront session (the orders
fixtures they build on come from tests/conftest.py)."""

import pytest

from county_sites.api.services import api_token_create
from tests.fixtures.counties import SchemaKeepingClient, host_of

API = "/api/v1"


def token_for(user) -> str:
    """A new bearer token of `user` in the current county."""
    return api_token_create(user=user)[1]


def bearer_client(county, token: str, **defaults) -> SchemaKeepingClient:
    return SchemaKeepingClient(
        HTTP_HOST=host_of(county), county=county, HTTP_AUTHORIZATION=f"Bearer {token}", **defaults
    )


@pytest.fixture
def buyer_token(buyer) -> str:
    return token_for(buyer)


@pytest.fixture
def api_client(county, buyer_token) -> SchemaKeepingClient:
    """County A's host, as `buyer` with a bearer token."""
    return bearer_client(county, buyer_token)


@pytest.fixture
def anon_client(county_client) -> SchemaKeepingClient:
    return county_client
