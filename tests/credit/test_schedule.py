"""The instalment rules (county_sites.credit.schedule): equal principal with the remainder on
the first, monthly interest on what is still owed rounded down to the fen, the fee once on
the first, month-end due dates, and a refund taken off the last instalments first."""

import datetime as dt

import pytest

from county_sites.credit.schedule import add_months, reschedule_after_return, schedule


def _amounts(rows):
    return [(row.principal_fen, row.interest_fen, row.fee_fen) for row in rows]


def test_three_instalments_at_one_percent_a_month():
    rows = schedule(
        principal_fen=25_600, term_months=3, rate_bp=1_200, fee_bp=100, start=dt.date(2026, 12, 1)
    )

    # 25,600 / 3 = 8,533 r 1 (on the first); interest 1 % of 25,600, 17,066, 8,533, floored.
    assert _amounts(rows) == [(8_534, 256, 256), (8_533, 170, 0), (8_533, 85, 0)]
    assert [row.due_on for row in rows] == [
        dt.date(2027, 1, 1), dt.date(2027, 2, 1), dt.date(2027, 3, 1),
    ]  # fmt: skip
    assert sum(row.due_fen for row in rows) == 25_600 + 511 + 256


@pytest.mark.parametrize("term", [1, 3, 6])
def test_principal_always_adds_up_and_later_instalments_are_equal(term):
    rows = schedule(
        principal_fen=10_001, term_months=term, rate_bp=435, fee_bp=0, start=dt.date(2026, 1, 15)
    )

    assert sum(row.principal_fen for row in rows) == 10_001
    assert len({row.principal_fen for row in rows[1:]}) <= 1
    assert [row.seq for row in rows] == list(range(1, term + 1))


def test_interest_is_rounded_down_to_the_fen():
    # 999 fen at 10 % a year: 999 × 1,000 / 120,000 = 8.325 -> 8 fen.
    [row] = schedule(
        principal_fen=999, term_months=1, rate_bp=1_000, fee_bp=0, start=dt.date(2026, 1, 1)
    )
    assert row.interest_fen == 8


def test_a_day_the_month_lacks_becomes_its_last_day():
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)


def test_a_partial_return_comes_off_the_last_instalments_and_reprices_the_rest():
    rows = schedule(
        principal_fen=25_600, term_months=3, rate_bp=1_200, fee_bp=100, start=dt.date(2026, 12, 1)
    )

    to_line, to_account = reschedule_after_return(
        rows, amount_fen=10_000, rate_bp=1_200, fee_bp=100
    )

    assert (to_line, to_account) == (10_000, 0)
    # 8,533 off the third, 1,467 off the second; owed 15,600, 7,066, 0; fee 1 % of 15,600.
    assert _amounts(rows) == [(8_534, 156, 156), (7_066, 70, 0), (0, 0, 0)]


def test_a_return_after_repayment_sends_the_repaid_part_to_the_account():
    rows = schedule(
        principal_fen=30_000, term_months=3, rate_bp=1_200, fee_bp=0, start=dt.date(2026, 12, 1)
    )
    rows[0].paid = True

    to_line, to_account = reschedule_after_return(rows, amount_fen=30_000, rate_bp=1_200, fee_bp=0)

    assert (to_line, to_account) == (20_000, 10_000)
    assert _amounts(rows)[1:] == [(0, 0, 0), (0, 0, 0)]
    assert _amounts(rows)[0] == (10_000, 300, 0)  # paid: left as it was
