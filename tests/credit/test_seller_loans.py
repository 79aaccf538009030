"""A seller's working-capital loan (issue 11, point 3): applied for from /seller/loans/ with
their sales history, which goes to the bank only with their live consent to share it (and is
then in their sharing record); the bank's signed LOAN_STATE messages move it on and the page
shows each step. Refusals change nothing and send nothing; nobody else sees or applies for
another seller's loan."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Consent, SharingRecord
from accounts.services import consent_give_own, consent_revoke_own
from county_sites.credit.models import LoanApplication
from county_sites.credit.services.loans import (
    MSG_LOAN_NOT_OWN,
    MSG_LOAN_OPEN,
    SHARED_FOR_LOAN,
    loan_application_submit,
)
from county_sites.ledger.models import LedgerEntry
from county_sites.payments.models import NotifyNonce
from county_sites.payments.services import payment_settings_ensure
from sandbox_bank import signing as bank_signing
from sandbox_bank.models import SandboxLoanApplication, SandboxMerchant, SandboxNotice
from sandbox_bank.services import loan_application_decide, merchant_open, notice_payload
from tests.factories.farmers import SellerFactory

PAGE = "/seller/loans/"
CONSENT = "/seller/loans/consent/"
NOTIFY = "/credit/notify/"
SALES = Consent.Purpose.BANK_SALES_DATA
FORM = {"amount": "50,000", "term_months": "12", "purpose": "买竹笋加工设备"}


@pytest.fixture
def sales(seller):
    """The seller's ledger: ¥1,000 sold this month (¥900 owed, ¥100 commission), and
    ¥500 sold (¥450 / ¥50) three months ago; another seller's sale, which must not count."""
    now = timezone.now()
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - 3  # the 15th, three months back
    before = timezone.make_aware(dt.datetime(index // 12, index % 12 + 1, 15, 12))
    kinds = LedgerEntry.Kind
    for kind, amount, at, who in (
        (kinds.SELLER_PAYABLE, 90_000, now, seller),
        (kinds.COMMISSION, 10_000, now, seller),
        (kinds.SELLER_PAYABLE, 45_000, before, seller),
        (kinds.COMMISSION, 5_000, before, seller),
        (kinds.SELLER_PAYABLE, 77_700, now, SellerFactory(name="别人")),
    ):
        LedgerEntry.objects.create(kind=kind, amount_fen=amount, seller=who, created_at=at)
    return {"now": now, "before": before}


@pytest.fixture
def seller_client(county_client, seller, bank_in_process):
    county_client.force_login(seller.user)
    return county_client


def _consent(seller) -> Consent:
    return consent_give_own(user=seller.user, purpose=SALES)


def _month(at) -> str:
    return f"{timezone.localtime(at):%Y-%m}"


def _snapshot() -> tuple:
    return (
        list(LoanApplication.objects.values()),
        list(SharingRecord.objects.values()),
        list(SandboxLoanApplication.objects.values()),
    )


def _state(application, state, **extra) -> dict:
    """The bank's signed LOAN_STATE notice for `application`, as it would be posted."""
    bank_side = SandboxLoanApplication.objects.get(out_application_no=application.number)
    notice = loan_application_decide(application=bank_side, state=state, **extra)
    return notice_payload(notice=notice)


# ------------------------------------------------------------------------------------------
# Applying
# ------------------------------------------------------------------------------------------
def test_applying_with_consent_sends_exactly_the_sales_summary_and_records_the_sharing(
    seller_client, seller, sales
):
    consent = _consent(seller)

    response = seller_client.post(PAGE, FORM)

    assert (response.status_code, response["Location"]) == (303, PAGE)
    application = LoanApplication.objects.get()
    assert (application.seller, application.amount_fen, application.term_months) == (
        seller, 5_000_000, 12,
    )  # fmt: skip
    assert (application.purpose, application.state) == ("买竹笋加工设备", "submitted")
    months = application.sales_summary["months"]
    assert len(months) == 12
    assert months[-1] == {
        "month": _month(sales["now"]), "sold_fen": 100_000, "commission_fen": 10_000,
        "payable_fen": 90_000,
    }  # fmt: skip
    assert months[-4] == {
        "month": _month(sales["before"]), "sold_fen": 50_000, "commission_fen": 5_000,
        "payable_fen": 45_000,
    }  # fmt: skip
    assert sum(month["sold_fen"] for month in months) == 150_000
    assert (application.sales_summary["sold_fen"], application.sales_summary["payable_fen"]) == (
        150_000, 135_000,
    )  # fmt: skip

    bank_side = SandboxLoanApplication.objects.get()
    assert bank_side.sales_summary == application.sales_summary
    assert json.dumps(bank_side.sales_summary, sort_keys=True) == json.dumps(
        application.sales_summary, sort_keys=True
    )
    assert (bank_side.out_application_no, bank_side.amount_fen, bank_side.term_months) == (
        application.number, 5_000_000, 12,
    )  # fmt: skip
    assert (bank_side.seller_name, bank_side.mobile) == (seller.name, seller.mobile)
    assert bank_side.notify_url == "http://anji.localhost:8000/credit/notify/"
    assert application.bank_ref == bank_side.application_no

    record = SharingRecord.objects.get()
    assert application.sharing == record
    assert (record.user, record.basis, record.consent, record.reference) == (
        seller.user, SharingRecord.Basis.CONSENT, consent, application.number,
    )  # fmt: skip
    assert (record.recipient, record.purpose, record.data_items) == (
        "县农商银行", "经营贷款申请", str(SHARED_FOR_LOAN),
    )  # fmt: skip

    page = seller_client.get(PAGE)
    assert application.number in page.content.decode()
    assert "已提交" in page.content.decode()


def test_without_consent_the_application_is_refused_and_nothing_is_written_or_sent(
    seller_client, seller, sales, county
):
    payment_settings_ensure(county=county)
    before = _snapshot()

    response = seller_client.post(PAGE, FORM)

    assert response.status_code == 400
    assert "向银行提供销售记录用于贷款" in response.context["error"]
    assert _snapshot() == before == ([], [], [])


def test_after_revoking_the_consent_a_new_application_is_refused(
    seller_client, seller, sales, county
):
    consent = _consent(seller)
    consent_revoke_own(user=seller.user, consent_id=consent.pk)
    payment_settings_ensure(county=county)
    before = _snapshot()

    response = seller_client.post(PAGE, FORM)

    assert response.status_code == 400
    assert _snapshot() == before


def test_the_consent_is_given_in_one_tap_on_the_loan_page_with_its_notice(seller_client, seller):
    page = seller_client.get(PAGE)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-loan-consent="missing"' in body
    assert "向县农商银行提供您的销售记录，用于经营贷款" in body
    assert "接收方：县农商银行" in body

    response = seller_client.post(CONSENT, {"notice_version": "2026-12-01"})

    assert (response.status_code, response["Location"]) == (303, f"{PAGE}#apply")
    consent = Consent.objects.get(user=seller.user, purpose=SALES)
    assert (consent.method, consent.notice_version, consent.revoked_at) == (
        "self_online", "2026-12-01", None,
    )  # fmt: skip
    assert 'data-loan-consent="given"' in seller_client.get(PAGE).content.decode()


def test_a_stale_notice_version_records_no_consent(seller_client, seller):
    response = seller_client.post(CONSENT, {"notice_version": "2020-01-01"})

    assert response.status_code == 400
    assert not Consent.objects.filter(user=seller.user, purpose=SALES).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "abc"}, "amount"),
        ({"amount": "999.99"}, "amount"),
        ({"amount": "500,000.01"}, "amount"),
        ({"term_months": "7"}, "term_months"),
        ({"purpose": "   "}, "purpose"),
    ],
)
def test_bad_input_is_a_400_with_its_message_and_nothing_sent(
    seller_client, seller, changes, field
):
    _consent(seller)
    before = _snapshot()

    response = seller_client.post(PAGE, {**FORM, **changes})

    assert response.status_code == 400
    form_errors = response.context["form"].errors
    assert field in form_errors or response.context["error"]
    assert _snapshot() == before


def test_a_second_application_waits_for_the_first(seller_client, seller, sales):
    _consent(seller)
    assert seller_client.post(PAGE, FORM).status_code == 303
    first = LoanApplication.objects.get()
    before = _snapshot()

    response = seller_client.post(PAGE, FORM)

    assert response.status_code == 400
    assert response.context["error"] == str(MSG_LOAN_OPEN % {"number": first.number})
    assert _snapshot() == before


def test_nobody_applies_for_someone_elses_shop(seller, other_seller, bank_in_process):
    _consent(seller)
    _consent(other_seller)
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        loan_application_submit(
            actor=other_seller.user, seller=seller, amount_fen=500_000, term_months=6,
            purpose="周转",
        )  # fmt: skip

    assert refused.value.message == MSG_LOAN_NOT_OWN
    assert _snapshot() == ([], [], [])


def test_a_buyer_without_a_shop_is_sent_to_login_and_sees_no_loans(
    county_client, buyer, seller, bank_in_process
):
    _consent(seller)
    loan_application_submit(
        actor=seller.user, seller=seller, amount_fen=500_000, term_months=6, purpose="周转"
    )
    county_client.force_login(buyer)

    for response in (county_client.get(PAGE), county_client.post(PAGE, FORM)):
        assert response.status_code == 302
        assert "login" in response["Location"]
    assert LoanApplication.objects.count() == 1


def test_another_seller_sees_only_their_own_applications(
    county_client, seller, other_seller, bank_in_process
):
    _consent(seller)
    mine = loan_application_submit(
        actor=seller.user, seller=seller, amount_fen=500_000, term_months=6, purpose="周转"
    )
    county_client.force_login(other_seller.user)

    page = county_client.get(PAGE)

    assert page.status_code == 200
    assert list(page.context["applications"]) == []
    assert mine.number not in page.content.decode()


def test_another_countys_seller_sees_none_of_this_countys_loans(
    county, other_county, other_county_client, bank_in_process
):
    with tenant_context(county):
        seller = SellerFactory(name="王大伯")
        _consent(seller)
        mine = loan_application_submit(
            actor=seller.user, seller=seller, amount_fen=500_000, term_months=6, purpose="周转"
        )
    with tenant_context(other_county):
        theirs = SellerFactory(name="外县卖家")
        assert LoanApplication.objects.count() == 0
    other_county_client.force_login(theirs.user)

    page = other_county_client.get(PAGE)

    assert page.status_code == 200
    assert mine.number not in page.content.decode()
    assert list(page.context["applications"]) == []


# ------------------------------------------------------------------------------------------
# The bank's answer
# ------------------------------------------------------------------------------------------
@pytest.fixture
def applied(seller, bank_in_process):
    _consent(seller)
    return loan_application_submit(
        actor=seller.user, seller=seller, amount_fen=2_000_000, term_months=12, purpose="周转"
    )


def test_review_approval_and_disbursement_come_back_and_show_with_dates(seller_client, applied):
    for state, extra in (
        ("under_review", {}),
        ("approved", {"approved_fen": 1_500_000, "note": "按销售流水核定"}),
        ("disbursed", {}),
    ):
        response = seller_client.post(NOTIFY, _state(applied, state, **extra))
        assert (response.status_code, response.content) == (200, b"success")
        applied.refresh_from_db()
        assert applied.state == state

    assert (applied.approved_fen, applied.bank_note) == (1_500_000, "按销售流水核定")
    assert applied.submitted_at <= applied.reviewed_at <= applied.decided_at
    assert applied.decided_at <= applied.disbursed_at
    body = seller_client.get(PAGE).content.decode()
    assert 'data-state="disbursed"' in body
    assert "已放款" in body
    assert "批准金额 ¥15000.00" in body
    assert f"{timezone.localtime(applied.disbursed_at):%Y-%m-%d %H:%M}" in body


def test_a_rejection_comes_back_with_the_banks_reason(seller_client, applied):
    response = seller_client.post(NOTIFY, _state(applied, "rejected", note="流水不足 6 个月"))

    assert response.status_code == 200
    applied.refresh_from_db()
    assert (applied.state, applied.bank_note, applied.approved_fen) == (
        "rejected", "流水不足 6 个月", None,
    )  # fmt: skip
    assert applied.decided_at is not None
    assert "未获批准" in seller_client.get(PAGE).content.decode()


def test_the_same_state_again_changes_nothing(county_client, applied):
    assert county_client.post(NOTIFY, _state(applied, "approved")).status_code == 200
    applied.refresh_from_db()
    decided = applied.decided_at

    response = county_client.post(NOTIFY, _state(applied, "approved"))

    assert response.status_code == 200
    applied.refresh_from_db()
    assert (applied.state, applied.decided_at, applied.approved_fen) == (
        "approved", decided, 2_000_000,
    )  # fmt: skip


def _unchanged(applied) -> dict:
    return LoanApplication.objects.filter(pk=applied.pk).values().get()


def test_a_forged_notice_is_refused_and_changes_nothing(county_client, applied):
    payload = _state(applied, "approved")
    payload["approved_fen"] = "99999999"  # changed after signing
    before, nonces = _unchanged(applied), NotifyNonce.objects.count()

    response = county_client.post(NOTIFY, payload)

    assert response.status_code == 403
    assert response.content.decode().startswith("fail: ")
    assert _unchanged(applied) == before
    assert NotifyNonce.objects.count() == nonces


def test_a_replayed_notice_is_refused(county_client, applied):
    payload = _state(applied, "under_review")
    assert county_client.post(NOTIFY, payload).status_code == 200
    before = _unchanged(applied)

    response = county_client.post(NOTIFY, payload)

    assert response.status_code == 409
    assert _unchanged(applied) == before


def test_a_step_backwards_is_refused_and_changes_nothing(county_client, applied):
    assert county_client.post(NOTIFY, _state(applied, "rejected")).status_code == 200
    before, nonces = _unchanged(applied), NotifyNonce.objects.count()

    response = county_client.post(NOTIFY, _state(applied, "disbursed"))

    assert response.status_code == 409
    assert _unchanged(applied) == before
    assert NotifyNonce.objects.count() == nonces


def test_an_unknown_application_or_state_is_refused(county_client, applied):
    merchant = SandboxMerchant.objects.get()
    base = {"event": "LOAN_STATE", "merchant_id": merchant.merchant_id, "nonce": "a" * 32,
            "timestamp": int(timezone.now().timestamp())}  # fmt: skip
    unknown = bank_signing.signed(
        {**base, "out_application_no": "LA000", "state": "approved"}, merchant.secret
    )
    bad_state = bank_signing.signed(
        {**base, "out_application_no": applied.number, "state": "paid", "nonce": "b" * 32},
        merchant.secret,
    )
    before = _unchanged(applied)

    assert county_client.post(NOTIFY, unknown).status_code == 404
    assert county_client.post(NOTIFY, bad_state).status_code == 400
    assert _unchanged(applied) == before


def test_another_countys_merchant_cannot_move_a_loan_here(county_client, other_county, applied):
    other = merchant_open(county_id=other_county.pk, name=other_county.name)
    notice = SandboxNotice.objects.create(
        merchant=other, url="http://anji.localhost:8000/credit/notify/",
        fields={"event": "LOAN_STATE", "out_application_no": applied.number,
                "state": "approved"},
    )  # fmt: skip
    before = _unchanged(applied)

    response = county_client.post(NOTIFY, notice_payload(notice=notice))

    assert response.status_code == 403
    assert _unchanged(applied) == before


def test_the_sandbox_officer_command_queues_the_signed_notice(applied, capsys):
    from django.core.management import call_command

    bank_side = SandboxLoanApplication.objects.get()
    call_command("sandbox_loan_decide", bank_side.application_no, "approved", "--note", "同意")

    notice = SandboxNotice.objects.order_by("-pk").first()
    assert notice.fields == {
        "event": "LOAN_STATE", "out_application_no": applied.number,
        "application_no": bank_side.application_no, "state": "approved", "note": "同意",
    }  # fmt: skip
    assert notice.url == "http://anji.localhost:8000/credit/notify/"
    assert SandboxLoanApplication.objects.get().state == "approved"


def test_the_seller_home_links_to_the_loan_page(seller_client):
    body = seller_client.get("/seller/").content.decode()

    assert f'<a href="{PAGE}">申请经营贷款</a>' in body
