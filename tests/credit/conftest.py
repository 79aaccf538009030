"""Credit fixtures: a resident's line granted by the bank, and the sandbox bank in-process."""

import datetime as dt

import pytest
from django.utils import timezone

from county_sites.credit.models import CreditLine
from county_sites.credit.services import credit_line_grant
from tests.fixtures.assisted import (  # noqa: F401  (fixtures)
    clerk,
    clerk_q,
    fresh_tries,
    point_q,
    villager,
)

LIMIT = 100_000  # ¥1,000
RATE_BP = 1_200  # 12 % a year: 1 % a month, easy to check by hand
FEE_BP = 100  # 1 % once


def grant(user, *, limit=LIMIT, line_no="L-ANJI-0001", state=CreditLine.State.ACTIVE, **extra):
    values = {
        "rate_bp": RATE_BP,
        "fee_bp": FEE_BP,
        "term_choices": [1, 3, 6],
        "expires_on": timezone.localdate() + dt.timedelta(days=365),
        "source": CreditLine.Source.BANK_PUSH,
        **extra,
    }
    return credit_line_grant(user=user, line_no=line_no, limit_fen=limit, state=state, **values)


@pytest.fixture
def line(buyer, bank_in_process):
    return grant(buyer)
