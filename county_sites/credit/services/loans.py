"""A seller's working-capital loan (issue 11, point 3); run inside the county's schema.

- loan_application_submit: the seller asks the bank for a loan against their sales. The
  application carries their sales history (credit.selectors.loan_sales_summary, from the
  ledger), so it goes only with their LIVE consent to share it ("bank_sales_data"):
  accounts.services.sharing_record locks that consent and writes the sharing record before
  anything is sent, and refuses without one; the bank is asked last, so a refusal anywhere
  (no consent, the bank's) leaves nothing written and nothing sent.
- loan_state_notify_apply: the bank's signed LOAN_STATE message (under review, approved,
  rejected, disbursed), checked like every bank message (payments.services.bank_notify_check,
  a nonce used once). A state already reached again changes nothing; a step backwards (a
  rejected application disbursed) is refused and changes nothing.
"""

import json
import logging
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Consent
from accounts.privacy import BANK_NAME
from accounts.services import sharing_record
from core.errors import ApplicationError, full_clean_or_refuse
from core.money import yuan
from county_sites.credit.models import LOAN_TERM_CHOICES, LoanApplication
from county_sites.credit.selectors import loan_sales_summary
from county_sites.credit.services.bank_link import credit_bank_ready, credit_notify_url
from county_sites.payments.bank import BankError
from county_sites.payments.credit_bank import loan_bank_apply
from county_sites.payments.services import (
    MSG_NOTIFY_MALFORMED,
    NotifyRejectedError,
    bank_notify_check,
    bank_notify_nonce_spend,
)
from farmers.models import Seller

logger = logging.getLogger(__name__)

State = LoanApplication.State

MSG_LOAN_NOT_OWN = _("只有卖家本人可以申请经营贷款。")
MSG_LOAN_AMOUNT = _("申请金额必须在 %(min)s 元到 %(max)s 元之间。")
MSG_LOAN_TERM = _("请选择贷款期限：%(terms)s 个月。")
MSG_LOAN_PURPOSE = _("请写明贷款用途（200 字以内）。")
MSG_LOAN_OPEN = _("您有一笔经营贷款申请（%(number)s）还在审批中，请等银行答复后再申请。")
MSG_LOAN_BANK_FAILED = _("银行暂时无法受理申请（%(code)s），请稍后再试。")
MSG_LOAN_UNKNOWN = _("贷款申请不存在。")
MSG_LOAN_STATE_MOVE = _("贷款申请不能从“%(old)s”变为“%(new)s”。")
SHARED_FOR_LOAN = _("近 12 个月每月的销售额、平台佣金、应付货款及合计；申请金额、期限、用途")
SHARING_PURPOSE_LOAN = _("经营贷款申请")

LOAN_MIN_FEN = 100_000  # ¥1,000
LOAN_MAX_FEN = 50_000_000  # ¥500,000: the bank's ceiling for a seller without collateral

LOAN_STATE_FIELDS = (
    "merchant_id", "event", "out_application_no", "state", "timestamp", "nonce", "sign",
)  # fmt: skip

# Which states the bank may move an application to from each state. Telling the county a
# state it already has is a redelivery, accepted and changing nothing.
NEXT_STATES = {
    State.SUBMITTED: {State.UNDER_REVIEW, State.APPROVED, State.REJECTED},
    State.UNDER_REVIEW: {State.APPROVED, State.REJECTED},
    State.APPROVED: {State.DISBURSED},
    State.REJECTED: set(),
    State.DISBURSED: set(),
}
OPEN_STATES = (State.SUBMITTED, State.UNDER_REVIEW)
# The step's time each state sets.
STATE_TIMES = {
    State.UNDER_REVIEW: "reviewed_at",
    State.APPROVED: "decided_at",
    State.REJECTED: "decided_at",
    State.DISBURSED: "disbursed_at",
}


def _application_no() -> str:
    return f"LA{timezone.localdate():%y%m%d}{secrets.randbelow(10**10):010d}"


def _inputs_check(*, amount_fen: int, term_months: int, purpose: str) -> str:
    if not LOAN_MIN_FEN <= amount_fen <= LOAN_MAX_FEN:
        raise ApplicationError(
            MSG_LOAN_AMOUNT % {"min": yuan(LOAN_MIN_FEN), "max": yuan(LOAN_MAX_FEN)},
            field="amount",
        )
    if term_months not in LOAN_TERM_CHOICES:
        terms = "、".join(str(term) for term in LOAN_TERM_CHOICES)
        raise ApplicationError(MSG_LOAN_TERM % {"terms": terms}, field="term_months")
    purpose = (purpose or "").strip()
    if not purpose or len(purpose) > 200:
        raise ApplicationError(MSG_LOAN_PURPOSE, field="purpose")
    return purpose


def loan_application_submit(
    *, actor, seller, amount_fen: int, term_months: int, purpose: str
) -> LoanApplication:
    """The seller (`actor` must be the seller's own account) applies for `amount_fen` over
    `term_months` months: the application and its sales history go to the bank, with their
    live consent to share it. Refused, with nothing written or sent: another person, an
    amount, term or purpose out of bounds, an application still waiting for the bank, no
    live consent, or the bank refusing."""
    if seller.user_id is None or getattr(actor, "pk", None) != seller.user_id:
        raise ApplicationError(MSG_LOAN_NOT_OWN)
    purpose = _inputs_check(amount_fen=amount_fen, term_months=term_months, purpose=purpose)
    credit_bank_ready()  # the merchant account committed before the bank is called
    with transaction.atomic():
        # One application at a time: the seller's row is the queue for a double tap.
        Seller.objects.select_for_update().filter(pk=seller.pk).first()
        waiting = LoanApplication.objects.filter(seller=seller, state__in=OPEN_STATES).first()
        if waiting is not None:
            raise ApplicationError(MSG_LOAN_OPEN % {"number": waiting.number})
        number = _application_no()
        now = timezone.now()
        sharing = sharing_record(
            user=seller.user, recipient=str(BANK_NAME), purpose=str(SHARING_PURPOSE_LOAN),
            data_items=str(SHARED_FOR_LOAN), reference=number,
            consent_purpose=Consent.Purpose.BANK_SALES_DATA, now=now,
        )  # fmt: skip
        summary = loan_sales_summary(seller=seller, today=timezone.localdate(now))
        application = LoanApplication(
            seller=seller,
            number=number,
            amount_fen=amount_fen,
            purpose=purpose,
            term_months=term_months,
            sales_summary=summary,
            sharing=sharing,
            submitted_at=now,
        )
        full_clean_or_refuse(application, validate_unique=False)
        application.save()
        try:
            application.bank_ref = loan_bank_apply(
                application_no=number,
                seller_name=seller.name,
                mobile=seller.mobile,
                amount_fen=amount_fen,
                term_months=term_months,
                purpose=purpose,
                sales_summary=json.dumps(summary, separators=(",", ":"), sort_keys=True),
                notify_url=credit_notify_url(),
            )
        except BankError as error:
            logger.warning("bank loan application failed for %s: %s", number, error.code)
            raise ApplicationError(MSG_LOAN_BANK_FAILED % {"code": error.code}) from error
        application.save(update_fields=["bank_ref"])
    return application


def loan_state_notify_apply(*, data: dict) -> LoanApplication:
    """Apply the bank's signed LOAN_STATE message (fields LOAN_STATE_FIELDS; `approved_fen`
    with an approval, `note` optional). NotifyRejectedError, having changed nothing, for a
    forged, stale, replayed or malformed one, an unknown application or a move the states do
    not allow."""
    checked = bank_notify_check(data=data, fields=LOAN_STATE_FIELDS)
    if checked["state"] not in STATE_TIMES:
        raise NotifyRejectedError(MSG_NOTIFY_MALFORMED, status=400)
    new = State(checked["state"])
    try:
        approved_fen = int(checked["approved_fen"]) if checked.get("approved_fen") else None
    except ValueError:
        raise NotifyRejectedError(MSG_NOTIFY_MALFORMED, status=400) from None
    if approved_fen is not None and approved_fen <= 0:
        raise NotifyRejectedError(MSG_NOTIFY_MALFORMED, status=400)
    with transaction.atomic():
        bank_notify_nonce_spend(nonce=checked["nonce"], reference=checked["out_application_no"])
        application = (
            LoanApplication.objects.select_for_update()
            .filter(number=checked["out_application_no"])
            .first()
        )
        if application is None:
            raise NotifyRejectedError(MSG_LOAN_UNKNOWN, status=404)
        if application.state == new:
            return application  # the bank told us before
        if new not in NEXT_STATES[State(application.state)]:
            raise NotifyRejectedError(
                MSG_LOAN_STATE_MOVE % {"old": State(application.state).label, "new": new.label},
                status=409,
            )
        application.state = new
        setattr(application, STATE_TIMES[new], timezone.now())
        if new == State.APPROVED:
            application.approved_fen = approved_fen or application.amount_fen
        if checked.get("note"):
            application.bank_note = checked["note"][:200]
        full_clean_or_refuse(application, validate_unique=False)
        application.save()
    return application
