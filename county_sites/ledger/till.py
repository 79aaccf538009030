"""Writes to a service point's till (issue 9, point 9; docs/adr/0014-till-and-point-
commissions.md): the cash handed over to the county, and the day's close with the counted
cash. The cash taken at a hand-over and a cash order's refund are booked by
county_sites.ledger.services (ledger_record_receipt / ledger_record_refund) with the point, so
they are the till's cash in and out as they stand: nothing is written twice.

Every amount is a ledger entry; nothing here is ever updated. Only a clerk of the point (or a
county operator) may touch its till; the point's row is locked, so two closes or a close and
a handover of one till never interleave.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.money import fen_parse, yuan
from core.roles import is_county_operator
from county_sites.ledger.models import LedgerEntry, TillClose
from county_sites.ledger.selectors import business_day_of, till_expected
from service_points.models import ServicePoint
from service_points.selectors import clerk_point_for_user

MSG_TILL_NOT_YOURS = _("只有本服务点的在岗店员或县级运营人员可以操作这个钱箱。")
MSG_AMOUNT_INVALID = _("金额格式不对，请输入数字，例如 1234.50 或 1,234.50。")
MSG_AMOUNT_TOO_LARGE = _("金额太大，请检查后再输入。")
MSG_ALREADY_CLOSED = _("%(day)s 已经日结过了，不能再次日结。")
MSG_HANDOVER_AMOUNT_POSITIVE = _("交县金额必须大于 0。")
MSG_HANDOVER_TO_REQUIRED = _("请填写接收人。")
MSG_HANDOVER_MORE_THAN_TILL = _("钱箱里应有 ¥%(expected)s，不能交出 ¥%(amount)s。")
MEMO_HANDOVER = _("交给：%(to)s")
MEMO_HANDOVER_RECEIPT = _("交给：%(to)s；收据号：%(receipt)s")
MEMO_CLOSE = _("%(day)s 日结")

# A till of a village store holds thousands of yuan, not millions: a bigger number is a typo.
AMOUNT_MAX_FEN = 100_000_000  # ¥1,000,000.00
HANDED_TO_MAX = 64
RECEIPT_NO_MAX = 64

Kind = LedgerEntry.Kind


def till_amount_parse(text: str) -> int:
    """An amount of yuan as a clerk types it ("1234.5", "1,234.50", "１２３４") -> fen; a
    refusal with a message to show for anything else."""
    try:
        fen = fen_parse(text)
    except ValueError:
        raise ApplicationError(MSG_AMOUNT_INVALID, field="amount") from None
    if fen > AMOUNT_MAX_FEN:
        raise ApplicationError(MSG_AMOUNT_TOO_LARGE, field="amount")
    return fen


def _till_lock(*, actor, point: ServicePoint) -> ServicePoint:
    """The point's row, locked, if `actor` may touch its till: an active clerk of that very
    point, or a county operator."""
    clerk_point = clerk_point_for_user(user=actor)
    if (clerk_point is None or clerk_point.pk != point.pk) and not is_county_operator(actor):
        raise ApplicationError(MSG_TILL_NOT_YOURS)
    return ServicePoint.objects.select_for_update().get(pk=point.pk)


def _amount_check(amount_fen: int) -> None:
    if not isinstance(amount_fen, int) or amount_fen < 0:
        raise ApplicationError(MSG_AMOUNT_INVALID, field="amount")
    if amount_fen > AMOUNT_MAX_FEN:
        raise ApplicationError(MSG_AMOUNT_TOO_LARGE, field="amount")


@transaction.atomic
def till_close(*, actor, point: ServicePoint, counted_fen: int, at=None) -> TillClose:
    """Close `point`'s till for the business day of `at` (default now) with the cash counted:
    book the difference counted - expected (signed; 0 when it adds up, and when there was
    nothing to count) and the close that links it. Refused if that day is already closed."""
    at = at or timezone.now()
    point = _till_lock(actor=actor, point=point)
    _amount_check(counted_fen)
    day = business_day_of(at)
    if TillClose.objects.filter(service_point=point, business_day=day).exists():
        raise ApplicationError(MSG_ALREADY_CLOSED % {"day": day.isoformat()})
    difference = LedgerEntry(
        kind=Kind.TILL_DIFFERENCE,
        amount_fen=counted_fen - till_expected(point=point, at=at),
        service_point=point,
        recorded_by=actor,
        memo=str(MEMO_CLOSE % {"day": day.isoformat()}),
        created_at=at,
    )
    difference.full_clean()
    difference.save()
    close = TillClose(
        service_point=point,
        business_day=day,
        closed_by=actor,
        closed_at=at,
        difference_entry=difference,
    )
    close.full_clean()
    close.save()
    return close


@transaction.atomic
def till_handover_record(
    *,
    actor,
    point: ServicePoint,
    amount_fen: int,
    handed_to: str,
    receipt_no: str = "",
    at=None,
) -> LedgerEntry:
    """Book cash taken out of `point`'s till and handed over to the county: to whom, with the
    receipt number when there is one. Refused for more than the till should hold."""
    at = at or timezone.now()
    point = _till_lock(actor=actor, point=point)
    _amount_check(amount_fen)
    if amount_fen == 0:
        raise ApplicationError(MSG_HANDOVER_AMOUNT_POSITIVE, field="amount")
    handed_to = (handed_to or "").strip()[:HANDED_TO_MAX]
    receipt_no = (receipt_no or "").strip()[:RECEIPT_NO_MAX]
    if not handed_to:
        raise ApplicationError(MSG_HANDOVER_TO_REQUIRED, field="handed_to")
    expected = till_expected(point=point, at=at)
    if amount_fen > expected:
        raise ApplicationError(
            MSG_HANDOVER_MORE_THAN_TILL % {"expected": yuan(expected), "amount": yuan(amount_fen)},
            field="amount",
        )
    memo = (
        MEMO_HANDOVER_RECEIPT % {"to": handed_to, "receipt": receipt_no}
        if receipt_no
        else MEMO_HANDOVER % {"to": handed_to}
    )
    entry = LedgerEntry(
        kind=Kind.TILL_HANDOVER,
        amount_fen=amount_fen,
        service_point=point,
        recorded_by=actor,
        memo=str(memo),
        created_at=at,
    )
    entry.full_clean()
    entry.save()
    return entry
