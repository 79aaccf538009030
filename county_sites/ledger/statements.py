"""A point's commission statement as a file (CSV) and the month it is asked for, shared by the
clerk's console (/clerk/commissions/) and the county Wagtail admin (服务点佣金)."""

import csv
import datetime as dt
import io
import re

from django.utils.translation import gettext as _

from core.money import yuan
from county_sites.ledger.selectors import CommissionStatement

_MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")


def statement_month_parse(text: str | None, *, today: dt.date) -> dt.date | None:
    """ "2026-12" -> 2026-12-01; empty -> this month; None for anything unreadable."""
    text = (text or "").strip()
    if not text:
        return today.replace(day=1)
    match = _MONTH.match(text)
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def point_commission_csv(statement: CommissionStatement) -> bytes:
    """The statement's lines and totals as CSV: UTF-8 with a BOM and CRLF, so Excel on a
    Chinese Windows opens it with the characters right (like the import templates)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [_("订单号"), _("交付日期"), _("交付金额（元）"), _("佣金比例"), _("佣金（元）"), _("状态")]
    )
    for line in statement.lines:
        writer.writerow(
            [
                line.order_number,
                line.handed_over_day.isoformat(),
                yuan(line.value_fen),
                line.rate_percent,
                yuan(line.commission_fen),
                str(line.state_label),
            ]
        )
    writer.writerow(
        [_("合计"), "", yuan(statement.value_fen), "", yuan(statement.commission_fen), ""]
    )
    for label, fen in (
        (_("待结算"), statement.accrued_fen),
        (_("已结算"), statement.released_fen),
        (_("已扣回"), statement.clawed_back_fen),
        (_("应得佣金"), statement.net_fen),
    ):
        writer.writerow([label, "", "", "", yuan(fen), ""])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
