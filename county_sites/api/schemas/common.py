"""Shared by every resource: identifiers and quantities as the database can hold them, and
the error body."""

from typing import Annotated

from ninja import Field, Schema

# Column ranges (PostgreSQL integer / bigint): a larger number can match nothing, and must not
# reach the database, where it would be an error instead of a refusal.
DB_INT_MAX = 2**31 - 1
DB_BIGINT_MAX = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=DB_BIGINT_MAX)]
# No lower bound: 0 or less reaches the service, which refuses with the cart page's message.
Quantity = Annotated[int, Field(le=DB_INT_MAX)]


class ErrorOut(Schema):
    detail: str
    field: str | None = None


# The refusals of every endpoint of a signed-in resident (county_sites.api.api has the list).
RESIDENT_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut}
