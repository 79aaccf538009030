"""Paying later from a credit line (issue 11, point 2): the order is paid at placing, the
seller settled in full (a ledger `payment` by the bank, provider credit_line), the schedule
written; every refusal (no line, frozen, expired, overdue, a term not offered, over the
limit, the bank refusing) changes nothing; repayments come by the bank's signed notify;
refunds give the credit back; the due-day SMS goes once."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import SharingRecord, SmsOutbox
from core.errors import ApplicationError
from county_sites.credit.models import CreditDraw, CreditInstalment, CreditLine, CreditReturn
from county_sites.credit.selectors import credit_line_summary, credit_outstanding_fen
from county_sites.credit.services import (
    MSG_LINE_EXPIRED,
    MSG_LINE_FROZEN,
    MSG_NO_LINE,
    MSG_OVER_LIMIT,
    MSG_OVERDUE,
    MSG_TERM_INVALID,
    credit_instalments_remind,
)
from county_sites.credit.tasks import credit_instalments_remind_due
from county_sites.ledger.models import LedgerEntry
from county_sites.ledger.selectors import ledger_totals
from county_sites.orders.models import Order
from county_sites.orders.services import (
    order_prepare,
    refund_approve,
    refund_request_create,
    refund_request_lines_create,
)
from county_sites.orders.services.credit import MSG_CREDIT_TERM_REQUIRED
from county_sites.payments.models import Payment
from farmers.models import Listing
from sandbox_bank.models import SandboxCreditDraw, SandboxCreditReturn
from tests.credit.conftest import grant
from tests.fixtures.orders import place


def _credit(buyer, lines, *, term=3, point=None, **extra):
    return place(buyer, lines, payment="credit_line", credit_term=term, point=point, **extra)


def _snapshot():
    return {
        "orders": list(Order.objects.order_by("pk").values_list("pk", "state")),
        "draws": CreditDraw.objects.count(),
        "instalments": CreditInstalment.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "stock": list(Listing.objects.order_by("pk").values_list("pk", "stock")),
        "sharing": SharingRecord.objects.count(),
        "bank": SandboxCreditDraw.objects.count(),
    }


def _refused(message, call):
    before = _snapshot()
    with pytest.raises(ApplicationError) as refusal:
        call()
    assert str(refusal.value.message) == str(message)
    assert _snapshot() == before


def test_a_credit_order_is_paid_at_once_and_the_seller_settled_in_full(buyer, tea, point, line):
    order = _credit(buyer, [(tea, 2)], term=3, point=point)

    order.refresh_from_db()
    assert (order.state, order.payment_method, order.credit_term_months) == (
        "paid",
        "credit_line",
        3,
    )
    assert order.paid_at is not None
    payment = LedgerEntry.objects.get(order=order, kind="payment")
    assert (payment.amount_fen, payment.provider, payment.memo) == (
        25_600,
        "credit_line",
        "授信用信",
    )
    payable = LedgerEntry.objects.get(order=order, kind="seller_payable").amount_fen
    commission = LedgerEntry.objects.get(order=order, kind="commission").amount_fen
    assert payable + commission == 25_600
    assert not Payment.objects.filter(order=order).exists()  # nothing at the gateway
    draw = CreditDraw.objects.get(order=order)
    assert (draw.principal_fen, draw.term_months, draw.line_id) == (25_600, 3, line.pk)
    rows = list(draw.instalments.values_list("seq", "principal_fen", "interest_fen", "fee_fen"))
    assert rows == [(1, 8_534, 256, 256), (2, 8_533, 170, 0), (3, 8_533, 85, 0)]
    bank = SandboxCreditDraw.objects.get(out_draw_no=draw.draw_no)
    assert (bank.amount_fen, bank.term_months, bank.line_no, bank.loan_no) == (
        25_600, 3, line.line_no, draw.bank_ref,
    )  # fmt: skip
    assert bank.notify_url == "http://anji.localhost:8000/credit/notify/"


def test_the_day_still_adds_up_with_credit_orders(buyer, tea, point, line):
    _credit(buyer, [(tea, 1)], point=point)

    totals = ledger_totals()
    assert totals["payment"] == totals["seller_payable"] + totals["commission"]


def test_the_draw_is_in_the_buyers_sharing_record_as_a_contract(buyer, tea, point, line):
    order = _credit(buyer, [(tea, 1)], point=point)

    record = SharingRecord.objects.get(user=buyer)
    draw = CreditDraw.objects.get(order=order)
    assert (record.basis, record.consent, record.reference) == ("contract", None, draw.draw_no)
    assert record.recipient == "县农商银行"


def test_the_account_shows_limit_drawn_and_available(buyer, tea, point, line):
    _credit(buyer, [(tea, 1)], point=point)

    summary = credit_line_summary(user=buyer)
    assert (summary.drawn_fen, summary.available_fen) == (12_800, 100_000 - 12_800)
    assert summary.state == "active" and not summary.overdue


def test_no_line_frozen_expired_and_unknown_terms_are_refused(buyer, other_buyer, tea, point,
                                                              bank_in_process):  # fmt: skip
    _refused(MSG_NO_LINE, lambda: _credit(other_buyer, [(tea, 1)], point=point))
    line = grant(buyer, state=CreditLine.State.FROZEN)
    _refused(MSG_LINE_FROZEN, lambda: _credit(buyer, [(tea, 1)], point=point))
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    grant(buyer, expires_on=yesterday)
    _refused(
        MSG_LINE_EXPIRED % {"date": f"{yesterday:%Y-%m-%d}"},
        lambda: _credit(buyer, [(tea, 1)], point=point),
    )
    grant(buyer, term_choices=[3, 6])
    _refused(
        MSG_TERM_INVALID % {"terms": "3、6"},
        lambda: _credit(buyer, [(tea, 1)], term=1, point=point),
    )
    _refused(MSG_CREDIT_TERM_REQUIRED, lambda: _credit(buyer, [(tea, 1)], term=2, point=point))
    assert line.pk == CreditLine.objects.get(user=buyer).pk


def test_more_than_is_available_is_refused_and_nothing_is_reserved(
    buyer, tea, point, bank_in_process
):
    grant(buyer, limit=30_000)
    _credit(buyer, [(tea, 1)], point=point)  # 12,800 drawn, 17,200 left

    _refused(
        MSG_OVER_LIMIT % {"available": "172.00", "total": "256.00"},
        lambda: _credit(buyer, [(tea, 2)], point=point),
    )


def test_an_overdue_instalment_blocks_new_draws_until_repaid(
    buyer, tea, point, line, county_client
):
    order = _credit(buyer, [(tea, 1)], term=1, point=point)
    instalment = CreditInstalment.objects.get(draw__order=order)
    CreditInstalment.objects.filter(pk=instalment.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=2)
    )
    due = timezone.localdate() - dt.timedelta(days=2)

    _refused(
        MSG_OVERDUE % {"date": f"{due:%Y-%m-%d}"}, lambda: _credit(buyer, [(tea, 1)], point=point)
    )
    assert credit_line_summary(user=buyer).overdue

    from tests.credit.test_notify import repay

    assert repay(county_client, order, seq=1).status_code == 200
    assert _credit(buyer, [(tea, 1)], point=point).state == "paid"


def test_a_whole_refund_gives_all_the_credit_back(buyer, tea, point, line, county_operator):
    order = _credit(buyer, [(tea, 2)], point=point)
    request = refund_request_create(buyer=buyer, order=order, reason="不要了")

    refund_approve(actor=county_operator, refund_request=request)

    credit_return = CreditReturn.objects.get(refund_request=request)
    assert (credit_return.to_line_fen, credit_return.to_account_fen) == (25_600, 0)
    assert credit_outstanding_fen(line=line) == 0
    assert credit_line_summary(user=buyer).available_fen == 100_000
    # Nothing left to pay: every instalment is settled by the refund, none can fall overdue.
    assert not CreditInstalment.objects.filter(draw__order=order, paid_at__isnull=True).exists()
    assert LedgerEntry.objects.get(order=order, kind="refund").amount_fen == 25_600
    assert LedgerEntry.objects.get(order=order, kind="refund").service_point is None
    bank = SandboxCreditReturn.objects.get(out_return_no=f"CR{request.pk}")
    assert (bank.to_line_fen, bank.to_account_fen) == (25_600, 0)
    shared = SharingRecord.objects.filter(user=buyer).order_by("pk")
    assert list(shared.values_list("purpose", "basis")) == [
        ("授信分期支付", "contract"), ("授信退回", "contract"),
    ]  # fmt: skip


def test_a_partial_refund_gives_back_the_lines_value_off_the_last_instalments(
    buyer, tea, shoots, point, line, county_operator
):
    order = _credit(buyer, [(tea, 1), (shoots, 2)], term=3, point=point)  # 12,800 + 1,300
    order_prepare(order=order, actor=county_operator)
    shoots_line = order.lines.get(listing=shoots)
    request = refund_request_lines_create(
        actor=buyer, order=order, lines=[shoots_line], reason="坏了"
    )

    refund_approve(actor=county_operator, refund_request=request)

    assert credit_outstanding_fen(line=line) == 14_100 - 1_300
    rows = list(
        CreditInstalment.objects.filter(draw__order=order).values_list("seq", "principal_fen")
    )
    assert rows == [(1, 4_700), (2, 4_700), (3, 3_400)]


def test_a_refund_after_a_repayment_pays_that_part_back_to_the_account(
    buyer, tea, point, line, county_operator, county_client
):
    from tests.credit.test_notify import repay

    order = _credit(buyer, [(tea, 1)], term=3, point=point)  # 12,800: 4,268 + 4,266 + 4,266
    repay(county_client, order, seq=1)
    request = refund_request_create(buyer=buyer, order=order, reason="不要了")

    refund_approve(actor=county_operator, refund_request=request)

    credit_return = CreditReturn.objects.get(refund_request=request)
    assert (credit_return.to_line_fen, credit_return.to_account_fen) == (8_532, 4_268)
    assert credit_outstanding_fen(line=line) == 0


def test_the_due_instalment_is_texted_once(buyer, tea, point, line, county):
    order = _credit(buyer, [(tea, 1)], term=3, point=point)
    first = CreditInstalment.objects.get(draw__order=order, seq=1)
    soon = timezone.localdate() + dt.timedelta(days=2)
    CreditInstalment.objects.filter(pk=first.pk).update(due_on=soon)
    texts = SmsOutbox.objects.filter(mobile=buyer.mobile).count()

    assert credit_instalments_remind() == 1
    assert credit_instalments_remind() == 0  # the beat again: nobody texted twice
    assert credit_instalments_remind_due(county.pk) == 0

    sms = SmsOutbox.objects.filter(mobile=buyer.mobile).order_by("-pk")
    assert sms.count() == texts + 1
    assert sms.first().text == (
        f"【丰收】您的授信分期（订单 {order.number}）第 1/3 期 ¥{first.due_yuan}".replace("¥", "")
        + f" 元将于 {soon:%Y-%m-%d} 到期，请按时到银行还款；逾期将暂停使用授信。"
    )


def test_instalments_later_than_three_days_are_not_texted_yet(buyer, tea, point, line):
    _credit(buyer, [(tea, 1)], term=3, point=point)

    assert credit_instalments_remind() == 0


def test_the_reminder_task_refuses_another_countys_schema(line, other_county):
    from core.county_tasks import WrongSchemaError

    with pytest.raises(WrongSchemaError):
        credit_instalments_remind_due(other_county.pk)


def test_a_parcel_returned_uncollected_gives_the_credit_back(buyer, tea, point, line, operator):
    import datetime as dt_

    from django.utils import timezone as tz

    from county_sites.orders.models import OrderEvent
    from county_sites.orders.services import order_arrive, order_return
    from service_points.selectors import service_point_settings_get

    order = _credit(buyer, [(tea, 1)], term=3, point=point)
    order_prepare(order=order, actor=operator)
    order_arrive(order=order, actor=operator)
    hold = service_point_settings_get().parcel_hold_days
    arrived = tz.now() - dt_.timedelta(days=hold + 1)
    OrderEvent.objects.filter(order=order, to_state="at_service_point").update(at=arrived)

    returned = order_return(actor=operator, order=order)

    assert returned.state == "returned"
    credit_return = CreditReturn.objects.get(refund_request=returned.refund_request)
    assert (credit_return.amount_fen, credit_return.to_line_fen) == (12_800, 12_800)
    assert credit_outstanding_fen(line=line) == 0


def test_a_gateway_notify_for_a_credit_order_is_refused(buyer, tea, point, line, county_client):
    from county_sites.payments.models import PaymentSettings
    from sandbox_bank import signing as bank_signing

    order = _credit(buyer, [(tea, 1)], point=point)
    account = PaymentSettings.objects.get()
    payload = bank_signing.signed(
        {
            "merchant_id": account.merchant_id, "out_trade_no": order.number, "trade_no": "T1",
            "amount_fen": order.total_fen, "trade_status": "SUCCESS",
            "timestamp": int(timezone.now().timestamp()), "nonce": "ab" * 16,
        },
        account.secret,
    )  # fmt: skip

    response = county_client.post("/payments/notify/bank-gateway/", payload)

    assert response.status_code == 404
    assert not Payment.objects.filter(order=order).exists()
    assert LedgerEntry.objects.filter(order=order, kind="payment").count() == 1


def test_the_bank_unreachable_refuses_the_order_and_leaves_nothing(
    buyer, tea, point, line, settings
):
    from county_sites.credit.services import MSG_BANK_DRAW_FAILED
    from county_sites.payments.services import payment_settings_ensure

    payment_settings_ensure(county=connection_tenant())
    settings.FENGSHOU_BANK_TRANSPORT = "http"
    settings.FENGSHOU_BANK_BASE_URL = "http://127.0.0.1:9"  # nothing listens there

    _refused(
        MSG_BANK_DRAW_FAILED % {"code": "UNREACHABLE"},
        lambda: _credit(buyer, [(tea, 1)], point=point),
    )


def connection_tenant():
    from django.db import connection

    return connection.tenant
