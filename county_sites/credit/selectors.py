"""Reads for credit lines; run inside the county's schema."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils import timezone

from county_sites.credit import schedule as schedule_rules
from county_sites.credit.models import CreditDraw, CreditInstalment, CreditLine, LoanApplication
from county_sites.ledger.selectors import seller_statement


def _today() -> dt.date:
    return timezone.localdate()


def credit_line_for_user(*, user) -> CreditLine | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return CreditLine.objects.filter(user=user).first()


def credit_outstanding_fen(*, line: CreditLine) -> int:
    """The principal drawn on `line` and not repaid or given back: what the limit is used by."""
    total = CreditInstalment.objects.filter(draw__line=line, paid_at__isnull=True).aggregate(
        total=Sum("principal_fen")
    )["total"]
    return total or 0


def credit_overdue_instalments(*, line: CreditLine, today: dt.date | None = None):
    """Unpaid instalments of `line` whose due day has passed: they block new draws."""
    return CreditInstalment.objects.filter(
        draw__line=line, paid_at__isnull=True, due_on__lt=today or _today()
    ).order_by("due_on", "pk")


def credit_line_effective_state(*, line: CreditLine, today: dt.date | None = None) -> str:
    """The line's state as it stands today: an active line past its expiry is expired."""
    if line.state == CreditLine.State.ACTIVE and line.expires_on < (today or _today()):
        return CreditLine.State.EXPIRED
    return line.state


@dataclass(frozen=True)
class TermQuote:
    term_months: int
    rows: list
    interest_fen: int
    fee_fen: int
    total_fen: int

    @property
    def first_due_fen(self) -> int:
        return self.rows[0].due_fen


def credit_quote(*, line: CreditLine, amount_fen: int, start: dt.date | None = None) -> list:
    """What paying `amount_fen` from `line` costs in each of its term choices: the schedule,
    the total interest and fee, and the total to repay (schedule module's rules)."""
    quotes = []
    for term in sorted(line.term_choices):
        rows = schedule_rules.schedule(
            principal_fen=amount_fen,
            term_months=term,
            rate_bp=line.rate_bp,
            fee_bp=line.fee_bp,
            start=start or _today(),
        )
        interest = sum(row.interest_fen for row in rows)
        fee = sum(row.fee_fen for row in rows)
        quotes.append(
            TermQuote(
                term_months=term,
                rows=rows,
                interest_fen=interest,
                fee_fen=fee,
                total_fen=amount_fen + interest + fee,
            )
        )
    return quotes


@dataclass(frozen=True)
class LineSummary:
    line: CreditLine
    state: str
    state_label: str
    drawn_fen: int
    available_fen: int
    overdue: bool
    draws: list


def credit_line_summary(*, user) -> LineSummary | None:
    """The resident's line for their account page: limit, drawn, available, state today,
    and every draw with its schedule (two queries after the line)."""
    line = credit_line_for_user(user=user)
    if line is None:
        return None
    drawn = credit_outstanding_fen(line=line)
    state = credit_line_effective_state(line=line)
    draws = list(
        CreditDraw.objects.filter(line=line)
        .select_related("order")
        .prefetch_related("instalments")
        .order_by("-created_at", "-pk")
    )
    return LineSummary(
        line=line,
        state=state,
        state_label=CreditLine.State(state).label,
        drawn_fen=drawn,
        available_fen=max(0, line.limit_fen - drawn),
        overdue=credit_overdue_instalments(line=line).exists(),
        draws=draws,
    )


def credit_draw_for_order(*, order) -> CreditDraw | None:
    return CreditDraw.objects.filter(order=order).prefetch_related("instalments", "returns").first()


def credit_instalment_ids_to_remind(*, today: dt.date, days_ahead: int) -> list[int]:
    """Unpaid instalments due within `days_ahead` days (or overdue) not reminded yet."""
    return list(
        CreditInstalment.objects.filter(
            paid_at__isnull=True,
            reminded_at__isnull=True,
            due_on__lte=today + dt.timedelta(days=days_ahead),
        )
        .filter(Q(principal_fen__gt=0) | Q(interest_fen__gt=0) | Q(fee_fen__gt=0))
        .order_by("due_on", "pk")
        .values_list("pk", flat=True)
    )


def credit_lines_for_operator():
    """Every line of the county for the admin list, with its resident."""
    return CreditLine.objects.select_related("user", "imported_by").order_by("-granted_at")


# ------------------------------------------------------------------------------------------
# Seller loans (issue 11, point 3)
# ------------------------------------------------------------------------------------------
# The sales history a loan application carries: this month so far and the 11 before it.
LOAN_SALES_MONTHS = 12


def _month_start(day: dt.date, back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def loan_sales_summary(*, seller, today: dt.date | None = None) -> dict:
    """The seller's sales, month by month over LOAN_SALES_MONTHS months (oldest first, this
    month up to today), from the county's ledger (ledger.selectors.seller_statement): sold,
    commission and payable in fen, and the totals. Exactly what a loan application sends."""
    today = today or _today()
    months = []
    for back in range(LOAN_SALES_MONTHS - 1, -1, -1):
        start = _month_start(today, back)
        end = today if back == 0 else _month_start(today, back - 1) - dt.timedelta(days=1)
        statement = seller_statement(seller=seller, date_from=start, date_to=end)
        months.append(
            {
                "month": f"{start:%Y-%m}",
                "sold_fen": statement.sold_fen,
                "commission_fen": statement.commission_fen,
                "payable_fen": statement.payable_fen,
            }
        )
    return {
        "months": months,
        "sold_fen": sum(month["sold_fen"] for month in months),
        "payable_fen": sum(month["payable_fen"] for month in months),
    }


def loan_applications_for_seller(*, seller):
    """The seller's own applications, newest first."""
    return LoanApplication.objects.filter(seller=seller).order_by("-submitted_at", "-pk")
