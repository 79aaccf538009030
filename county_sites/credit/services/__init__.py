"""Writes for credit lines; run inside the county's schema.

- credit_line_grant: a line granted or changed (the bank's push, an operator's import).
- credit_notify_apply: the bank's signed messages (GRANT: a line; REPAYMENT: an instalment
  repaid), checked like the payment notify (county_sites.payments.services.bank_notify_check,
  a nonce used once), applied in one transaction or not at all.
- credit_draw_locked: an order paid from the buyer's line. The LINE ROW IS LOCKED
  (SELECT ... FOR UPDATE) before what is drawn is summed, so concurrent checkouts of one
  resident queue on it and the line is never overdrawn. Refused, with nothing written, for a
  frozen or expired line, an overdue instalment, a term the line does not offer, or a total
  above what is available.
- credit_return_record: an approved refund of a credit order gives the credit back.
- credit_instalment_remind: the SMS before an instalment is due, once.
- Seller loans (their application and the bank's LOAN_STATE message): services.loans.

Pay later does not need the resident's consent to share purchase data with the bank
(accounts.Consent "bank_purchase_data"): a draw sends the bank only what the loan the resident
asks for needs (the line, the draw, its amount and term), which is the contract itself (PIPL
art. 13(2)), and making a credit line the price of a data consent is what art. 16 forbids.
The draw is recorded as a sharing (basis "contract") so the resident sees it.
"""

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.privacy import BANK_NAME
from accounts.selectors import user_sms_mobile
from accounts.services import (
    mobile_normalize,
    sharing_record,
    sms_send,
    user_name_fill,
    user_resident_get_or_create,
)
from core.errors import ApplicationError, full_clean_or_refuse
from core.money import yuan
from county_sites.credit import schedule as schedule_rules
from county_sites.credit.models import (
    TERM_CHOICES,
    CreditDraw,
    CreditInstalment,
    CreditLine,
    CreditReturn,
)
from county_sites.credit.selectors import (
    credit_instalment_ids_to_remind,
    credit_line_effective_state,
    credit_outstanding_fen,
    credit_overdue_instalments,
)
from county_sites.credit.services.bank_link import credit_bank_ready as credit_bank_ready
from county_sites.credit.services.bank_link import credit_notify_url
from county_sites.credit.services.loans import loan_state_notify_apply
from county_sites.payments.bank import BankError
from county_sites.payments.credit_bank import credit_bank_draw, credit_bank_return
from county_sites.payments.services import (
    MSG_NOTIFY_MALFORMED,
    NotifyRejectedError,
    bank_notify_check,
    bank_notify_nonce_spend,
)

logger = logging.getLogger(__name__)

MSG_NO_LINE = _("您还没有授信额度，请选择其他支付方式。")
MSG_LINE_FROZEN = _("您的授信额度已冻结，暂不能使用。")
MSG_LINE_EXPIRED = _("您的授信额度已于 %(date)s 到期。")
MSG_OVERDUE = _("您有逾期未还的分期（%(date)s 到期），请先还款再使用授信。")
MSG_OVER_LIMIT = _("授信可用额度 %(available)s 元，不够支付 %(total)s 元。")
MSG_TERM_INVALID = _("请选择分期期数：%(terms)s 期。")
MSG_BANK_DRAW_FAILED = _("银行暂时无法放款（%(code)s），请稍后再试或选择其他支付方式。")
MSG_BANK_RETURN_FAILED = _("银行暂时无法退回授信（%(code)s），请稍后再试。")
MSG_LIMIT_INVALID = _("授信额度必须大于 0。")
MSG_RATE_INVALID = _("年利率必须在 0 到 %(max)s%% 之间。")
MSG_NOTIFY_EVENT = _("未知的通知类型。")
MSG_NOTIFY_DRAW_UNKNOWN = _("用信不存在。")
MSG_NOTIFY_INSTALMENT_AMOUNT = _("还款金额与该期应还金额不符。")
MSG_LINE_OF_ANOTHER = _("授信编号 %(line_no)s 已属于另一位居民。")
SMS_INSTALMENT_DUE = _(
    "【丰收】您的授信分期（订单 %(number)s）第 %(seq)s/%(term)s 期 %(amount)s 元将于 "
    "%(date)s 到期，请按时到银行还款；逾期将暂停使用授信。"
)

# PBoC's ceiling for consumer credit the courts protect is 4 × LPR (about 15 %); a line's rate
# is the bank's, so this only refuses nonsense (a percentage typed as basis points).
MAX_RATE_BP = 3600
# The reminder goes this many days before the due day (and at once for a later draw).
REMIND_DAYS_AHEAD = 3
SHARED_FOR_DRAW = _("授信编号、用信编号、订单号、用信金额、分期期数")
SHARED_FOR_RETURN = _("用信编号、退款金额")

GRANT_FIELDS = (
    "merchant_id", "event", "line_no", "mobile", "limit_fen", "rate_bp", "terms",
    "expires_on", "state", "timestamp", "nonce", "sign",
)  # fmt: skip
REPAYMENT_FIELDS = (
    "merchant_id", "event", "out_draw_no", "seq", "amount_fen", "repayment_no", "timestamp",
    "nonce", "sign",
)  # fmt: skip


# ------------------------------------------------------------------------------------------
# Lines
# ------------------------------------------------------------------------------------------
def terms_parse(value) -> list[int]:
    """ "1,3,6" / "1、3" / [3, 6] -> sorted term choices; ValueError for anything else."""
    if isinstance(value, str):
        parts = value.replace("、", ",").replace("/", ",").split(",")
        value = [int(part.strip().removesuffix("期")) for part in parts if part.strip()]
    terms = sorted({int(term) for term in value})
    if not terms or any(term not in TERM_CHOICES for term in terms):
        raise ValueError(value)
    return terms


@transaction.atomic
def credit_line_grant(
    *, user: User, line_no: str, limit_fen: int, rate_bp: int, term_choices, expires_on,
    source: str, fee_bp: int = 0, state: str = CreditLine.State.ACTIVE, actor=None,
) -> CreditLine:  # fmt: skip
    """Grant `user` a credit line, or change theirs (a resident has one line: a new grant
    replaces its terms; what is drawn stays drawn). `actor`: the operator who imported it."""
    if limit_fen <= 0:
        raise ApplicationError(MSG_LIMIT_INVALID, field="limit_fen")
    if not 0 <= rate_bp <= MAX_RATE_BP:
        raise ApplicationError(MSG_RATE_INVALID % {"max": 36}, field="rate_bp")
    other = CreditLine.objects.filter(line_no=line_no).exclude(user=user).first()
    if other is not None:
        raise ApplicationError(MSG_LINE_OF_ANOTHER % {"line_no": line_no}, field="line_no")
    line = CreditLine.objects.select_for_update().filter(user=user).first() or CreditLine(user=user)
    line.line_no = line_no
    line.limit_fen = limit_fen
    line.rate_bp = rate_bp
    line.fee_bp = fee_bp
    line.term_choices = terms_parse(term_choices)
    line.expires_on = expires_on
    line.state = state
    line.source = source
    line.granted_at = timezone.now()
    line.imported_by = actor
    full_clean_or_refuse(line)
    line.save()
    return line


def credit_notify_apply(*, data: dict):
    """Apply a signed message of the bank: a GRANT (the line, created for the resident of that
    mobile, who is registered if new: a pre-approved household may never have signed in), a
    REPAYMENT (an instalment repaid) or a LOAN_STATE (a seller's loan application moved on:
    services.loans.loan_state_notify_apply). NotifyRejectedError, having changed nothing, for a
    forged, stale, replayed or mismatched one; the same repayment again (a new nonce: the
    bank's redelivery) changes nothing and is accepted."""
    event = str(data.get("event", ""))
    if event == "GRANT":
        checked = bank_notify_check(data=data, fields=GRANT_FIELDS)
        with transaction.atomic():
            bank_notify_nonce_spend(nonce=checked["nonce"], reference=checked["line_no"])
            return _grant_apply(checked)
    if event == "REPAYMENT":
        checked = bank_notify_check(data=data, fields=REPAYMENT_FIELDS)
        with transaction.atomic():
            bank_notify_nonce_spend(nonce=checked["nonce"], reference=checked["out_draw_no"])
            return _repayment_apply(checked)
    if event == "LOAN_STATE":
        return loan_state_notify_apply(data=data)
    raise NotifyRejectedError(MSG_NOTIFY_EVENT, status=400)


def _grant_apply(data: dict) -> CreditLine:
    try:
        mobile = mobile_normalize(mobile=data["mobile"])
        expires_on = parse_date(data["expires_on"])
        limit_fen, rate_bp = int(data["limit_fen"]), int(data["rate_bp"])
        fee_bp = int(data.get("fee_bp") or 0)
        terms = terms_parse(data["terms"])
        if expires_on is None or data["state"] not in CreditLine.State.values:
            raise ValueError(data)
    except (ApplicationError, ValueError):
        raise NotifyRejectedError(MSG_NOTIFY_MALFORMED, status=400) from None
    user = user_resident_get_or_create(mobile=mobile)
    if data.get("name"):
        user_name_fill(user=user, name=data["name"])
    try:
        return credit_line_grant(
            user=user, line_no=data["line_no"], limit_fen=limit_fen, rate_bp=rate_bp,
            fee_bp=fee_bp, term_choices=terms, expires_on=expires_on, state=data["state"],
            source=CreditLine.Source.BANK_PUSH,
        )  # fmt: skip
    except ApplicationError as refusal:
        raise NotifyRejectedError(refusal.message, status=409) from refusal


def _repayment_apply(data: dict) -> CreditInstalment:
    try:
        seq, amount = int(data["seq"]), int(data["amount_fen"])
    except ValueError:
        raise NotifyRejectedError(MSG_NOTIFY_MALFORMED, status=400) from None
    instalment = (
        CreditInstalment.objects.select_for_update()
        .filter(draw__draw_no=data["out_draw_no"], seq=seq)
        .first()
    )
    if instalment is None:
        raise NotifyRejectedError(MSG_NOTIFY_DRAW_UNKNOWN, status=404)
    if instalment.is_paid:
        return instalment  # the bank told us before
    if amount != instalment.due_fen:
        raise NotifyRejectedError(MSG_NOTIFY_INSTALMENT_AMOUNT, status=400)
    instalment.paid_at = timezone.now()
    instalment.paid_fen = amount
    instalment.bank_ref = data["repayment_no"][:64]
    instalment.save(update_fields=["paid_at", "paid_fen", "bank_ref"])
    return instalment


# ------------------------------------------------------------------------------------------
# Drawing
# ------------------------------------------------------------------------------------------
def credit_usable_check(*, line: CreditLine | None, amount_fen: int, term_months) -> None:
    """Refuse (ApplicationError) unless `line` may pay `amount_fen` in `term_months` now.
    Reads what is drawn: call with the line locked when a draw follows."""
    if line is None:
        raise ApplicationError(MSG_NO_LINE, field="payment_method")
    today = timezone.localdate()
    state = credit_line_effective_state(line=line, today=today)
    if state == CreditLine.State.FROZEN:
        raise ApplicationError(MSG_LINE_FROZEN, field="payment_method")
    if state == CreditLine.State.EXPIRED:
        raise ApplicationError(
            MSG_LINE_EXPIRED % {"date": f"{line.expires_on:%Y-%m-%d}"}, field="payment_method"
        )
    overdue = credit_overdue_instalments(line=line, today=today).first()
    if overdue is not None:
        raise ApplicationError(
            MSG_OVERDUE % {"date": f"{overdue.due_on:%Y-%m-%d}"}, field="payment_method"
        )
    if term_months not in line.term_choices:
        terms = "、".join(str(term) for term in sorted(line.term_choices))
        raise ApplicationError(MSG_TERM_INVALID % {"terms": terms}, field="credit_term")
    available = line.limit_fen - credit_outstanding_fen(line=line)
    if amount_fen > available:
        raise ApplicationError(
            MSG_OVER_LIMIT % {"available": yuan(max(available, 0)), "total": yuan(amount_fen)},
            field="payment_method",
        )


def _draw_no() -> str:
    return f"CD{timezone.localdate():%y%m%d}{secrets.randbelow(10**10):010d}"


def credit_draw_locked(*, order, term_months: int) -> CreditDraw:
    """Pay `order` (locked by the caller, its buyer's confirmed order) from the buyer's line
    in `term_months` instalments: lock the line, check it may (credit_usable_check), write the
    draw and its schedule. Inside the caller's transaction, which ends by asking the bank to
    lend (credit_draw_bank_send): a refusal, the bank's included, leaves nothing."""
    line = CreditLine.objects.select_for_update().filter(user_id=order.buyer_id).first()
    credit_usable_check(line=line, amount_fen=order.total_fen, term_months=term_months)
    now = timezone.now()
    draw = CreditDraw(
        line=line,
        order=order,
        draw_no=_draw_no(),
        principal_fen=order.total_fen,
        term_months=term_months,
        rate_bp=line.rate_bp,
        fee_bp=line.fee_bp,
        created_at=now,
    )
    full_clean_or_refuse(draw, validate_unique=False)
    draw.save()
    rows = schedule_rules.schedule(
        principal_fen=draw.principal_fen,
        term_months=term_months,
        rate_bp=draw.rate_bp,
        fee_bp=draw.fee_bp,
        start=timezone.localdate(now),
    )
    CreditInstalment.objects.bulk_create(
        [
            CreditInstalment(
                draw=draw,
                seq=row.seq,
                due_on=row.due_on,
                principal_fen=row.principal_fen,
                interest_fen=row.interest_fen,
                fee_fen=row.fee_fen,
            )  # fmt: skip
            for row in rows
        ]
    )
    sharing_record(
        user=order.buyer, recipient=str(BANK_NAME), purpose=str(_("授信分期支付")),
        data_items=str(SHARED_FOR_DRAW), reference=draw.draw_no, now=now,
    )  # fmt: skip
    return draw


def credit_draw_bank_send(*, draw: CreditDraw) -> CreditDraw:
    """Ask the bank to lend the draw and pay the county: the LAST step of the transaction that
    drew (after the order is paid and booked), so nothing of ours can still fail once the bank
    has lent; if the bank refuses, the caller's transaction undoes the draw, the order and the
    booking. The same draw_no again is the same loan at the bank."""
    try:
        draw.bank_ref = credit_bank_draw(
            line_no=draw.line.line_no,
            draw_no=draw.draw_no,
            amount_fen=draw.principal_fen,
            term_months=draw.term_months,
            notify_url=credit_notify_url(),
        )
    except BankError as error:
        logger.warning("bank credit draw failed for %s: %s", draw.draw_no, error.code)
        raise ApplicationError(MSG_BANK_DRAW_FAILED % {"code": error.code}) from error
    draw.save(update_fields=["bank_ref"])
    return draw


# ------------------------------------------------------------------------------------------
# Giving credit back
# ------------------------------------------------------------------------------------------
def credit_return_record(*, order, refund_request) -> CreditReturn | None:
    """An approved refund of a credit order (locked by the caller, in the refund's
    transaction): its amount comes off the draw's unpaid principal, last instalment first,
    and the unpaid instalments are priced again (schedule.reschedule_after_return); what
    was repaid already the bank pays back to the resident's account. None for an order not
    paid from a line. Once per refund request."""
    draw = CreditDraw.objects.filter(order=order).first()
    if draw is None:
        return None
    existing = CreditReturn.objects.filter(refund_request=refund_request).first()
    if existing is not None:
        return existing
    CreditLine.objects.select_for_update().filter(pk=draw.line_id).first()
    instalments = list(draw.instalments.select_for_update().order_by("seq"))
    rows = [
        schedule_rules.Row(
            seq=item.seq,
            due_on=item.due_on,
            principal_fen=item.principal_fen,
            interest_fen=item.interest_fen,
            fee_fen=item.fee_fen,
            paid=item.is_paid,
        )  # fmt: skip
        for item in instalments
    ]
    to_line, to_account = schedule_rules.reschedule_after_return(
        rows, amount_fen=refund_request.amount_fen, rate_bp=draw.rate_bp, fee_bp=draw.fee_bp
    )
    now = timezone.now()
    for item, row in zip(instalments, rows, strict=True):
        if item.is_paid:
            continue
        item.principal_fen, item.interest_fen, item.fee_fen = (
            row.principal_fen, row.interest_fen, row.fee_fen,
        )  # fmt: skip
        if row.due_fen == 0:
            item.paid_at = now  # nothing left to pay: settled by the refund
        item.save(update_fields=["principal_fen", "interest_fen", "fee_fen", "paid_at"])
    credit_return = CreditReturn(
        draw=draw,
        refund_request=refund_request,
        amount_fen=refund_request.amount_fen,
        to_line_fen=to_line,
        to_account_fen=to_account,
        created_at=now,
    )
    full_clean_or_refuse(credit_return, validate_unique=False)
    credit_return.save()
    sharing_record(
        user=order.buyer, recipient=str(BANK_NAME), purpose=str(_("授信退回")),
        data_items=str(SHARED_FOR_RETURN), reference=draw.draw_no, now=now,
    )  # fmt: skip
    try:
        credit_bank_return(
            draw_no=draw.draw_no,
            return_no=f"CR{refund_request.pk}",
            to_line_fen=to_line,
            to_account_fen=to_account,
        )
    except BankError as error:
        raise ApplicationError(MSG_BANK_RETURN_FAILED % {"code": error.code}) from error
    return credit_return


# ------------------------------------------------------------------------------------------
# Reminders
# ------------------------------------------------------------------------------------------
@transaction.atomic
def credit_instalment_remind(*, instalment_id: int) -> bool:
    """Text the resident that an instalment falls due: once (the row is locked and marked);
    nothing for a paid one. True if a text was queued now. The reminder is part of the loan
    the resident took, so it does not wait on the service-SMS consent."""
    instalment = (
        CreditInstalment.objects.select_for_update(of=("self",))
        .select_related("draw__order", "draw__line__user")
        .filter(pk=instalment_id)
        .first()
    )
    if instalment is None or instalment.is_paid or instalment.reminded_at is not None:
        return False
    instalment.reminded_at = timezone.now()
    instalment.save(update_fields=["reminded_at"])
    draw = instalment.draw
    mobile = user_sms_mobile(user=draw.line.user)
    if not mobile:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        text = str(
            SMS_INSTALMENT_DUE
            % {
                "number": draw.order.number,
                "seq": instalment.seq,
                "term": draw.term_months,
                "amount": instalment.due_yuan,
                "date": f"{instalment.due_on:%Y-%m-%d}",
            }
        )
    sms_send(mobile=mobile, text=text)
    return True


def credit_instalments_remind(*, today: dt.date | None = None) -> int:
    """Remind every instalment of the county due within REMIND_DAYS_AHEAD days (the beat
    task's work); how many texts were queued. Running it twice texts nobody twice."""
    today = today or timezone.localdate()
    sent = 0
    for instalment_id in credit_instalment_ids_to_remind(today=today, days_ahead=REMIND_DAYS_AHEAD):
        sent += credit_instalment_remind(instalment_id=instalment_id)
    return sent
