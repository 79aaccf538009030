"""An instalment schedule, in integer fen, and the rules its amounts follow.

- Principal: equal parts (等额本金), `principal // n` each; the remainder of the division goes
  on the FIRST instalment, so every later one is the same.
- Interest: each month on the principal still owed at the start of that month (the sum of
  the principal of that instalment and all after it), at `rate_bp / 12` basis points a
  month, ROUNDED DOWN to the fen (the fraction is the borrower's). So the total interest
  shown before confirming is exactly what the schedule asks.
- Fee: once, `principal × fee_bp / 10,000` rounded down, with the first instalment.
- Due dates: the same day of the month, `seq` months after the draw; a day the month lacks
  (31 January + 1 month) becomes that month's last day.

A refund that gives credit back takes it off the unpaid principal from the LAST instalment
backwards, and the unpaid instalments' interest (and the fee, while the first instalment is
unpaid) are computed again by the same rules on what remains (reschedule_after_return).
"""

import calendar
import datetime as dt
from dataclasses import dataclass

BASIS_POINTS = 10_000
MONTHS = 12


@dataclass
class Row:
    seq: int
    due_on: dt.date
    principal_fen: int
    interest_fen: int
    fee_fen: int
    paid: bool = False

    @property
    def due_fen(self) -> int:
        return self.principal_fen + self.interest_fen + self.fee_fen


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // MONTHS, month0 % MONTHS + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def monthly_interest(*, owed_fen: int, rate_bp: int) -> int:
    return owed_fen * rate_bp // (BASIS_POINTS * MONTHS)


def fee_of(*, principal_fen: int, fee_bp: int) -> int:
    return principal_fen * fee_bp // BASIS_POINTS


def _price(rows: list[Row], *, rate_bp: int, fee_bp: int, first_unpaid_fee: bool) -> None:
    """Interest of each unpaid row on what is owed at its start; the fee on the first."""
    for index, row in enumerate(rows):
        if row.paid:
            continue
        owed = sum(later.principal_fen for later in rows[index:])
        row.interest_fen = monthly_interest(owed_fen=owed, rate_bp=rate_bp) if owed else 0
    if first_unpaid_fee and rows and not rows[0].paid:
        rows[0].fee_fen = fee_of(
            principal_fen=sum(row.principal_fen for row in rows), fee_bp=fee_bp
        )


def schedule(
    *, principal_fen: int, term_months: int, rate_bp: int, fee_bp: int, start: dt.date
) -> list[Row]:
    base, remainder = divmod(principal_fen, term_months)
    rows = [
        Row(
            seq=seq,
            due_on=add_months(start, seq),
            principal_fen=base + (remainder if seq == 1 else 0),
            interest_fen=0,
            fee_fen=0,
        )
        for seq in range(1, term_months + 1)
    ]
    _price(rows, rate_bp=rate_bp, fee_bp=fee_bp, first_unpaid_fee=True)
    return rows


def reschedule_after_return(
    rows: list[Row], *, amount_fen: int, rate_bp: int, fee_bp: int
) -> tuple[int, int]:
    """Take up to `amount_fen` off the unpaid principal of `rows` (changed in place), last
    instalment first, and price the unpaid rows again. (to_line_fen, to_account_fen): what
    came off the principal, and the rest, already repaid, which the bank pays back."""
    to_line = 0
    for row in reversed(rows):
        if row.paid or to_line == amount_fen:
            continue
        take = min(row.principal_fen, amount_fen - to_line)
        row.principal_fen -= take
        to_line += take
    _price(rows, rate_bp=rate_bp, fee_bp=fee_bp, first_unpaid_fee=True)
    return to_line, amount_fen - to_line
