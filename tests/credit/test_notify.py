"""The bank's signed credit messages to a county (/credit/notify/): a line GRANTed (pushed
through the provider interface) and an instalment REPAYMENT; checked like the payment notify
(merchant, signature, freshness, a nonce used once); anything else is a 4xx that changes
nothing; another county's merchant cannot push into this one."""

import datetime as dt
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from county_sites.credit.models import CreditInstalment, CreditLine
from county_sites.payments.models import NotifyNonce
from county_sites.payments.services import payment_settings_ensure
from sandbox_bank import signing as bank_signing
from sandbox_bank.models import SandboxMerchant, SandboxNotice
from sandbox_bank.services import (
    credit_instalment_repay,
    credit_line_grant,
    merchant_open,
    notice_payload,
)

NOTIFY = "/credit/notify/"


def _merchant(county) -> SandboxMerchant:
    payment_settings_ensure(county=county)
    return SandboxMerchant.objects.get(county_id=county.pk)


def _grant_notice(county, **changes) -> SandboxNotice:
    values = {
        "mobile": "13700000009",
        "name": "陈大伯",
        "limit_fen": 500_000,
        "rate_bp": 435,
        "terms": "1,3,6",
        "expires_on": timezone.localdate() + dt.timedelta(days=365),
        "notify_url": "http://anji.localhost:8000/credit/notify/",
        **changes,
    }
    credit_line_grant(merchant=_merchant(county), **values)
    return SandboxNotice.objects.order_by("-pk").first()


def _signed(notice, **changes) -> dict:
    payload = {k: v for k, v in notice_payload(notice=notice).items() if k != "sign"}
    payload.update(changes)
    return bank_signing.signed(payload, notice.merchant.secret)


def repay(client, order, *, seq, amount=None):
    """The bank's REPAYMENT notice of instalment `seq` of `order`'s draw, posted."""
    instalment = CreditInstalment.objects.get(draw__order=order, seq=seq)
    merchant = SandboxMerchant.objects.get(county_id=connection.tenant.pk)
    notice = credit_instalment_repay(
        merchant=merchant,
        out_draw_no=instalment.draw.draw_no,
        seq=seq,
        amount_fen=instalment.due_fen if amount is None else amount,
    )
    return client.post(NOTIFY, _signed(notice))


def test_a_pushed_grant_opens_the_line_and_registers_the_household(county, county_client,
                                                                   in_county):  # fmt: skip
    notice = _grant_notice(county)

    response = county_client.post(NOTIFY, _signed(notice))

    assert (response.status_code, response.content) == (200, b"success")
    user = get_user_model().objects.get(mobile="13700000009")
    assert user.first_name == "陈大伯"
    line = CreditLine.objects.get(user=user)
    assert (line.limit_fen, line.rate_bp, line.term_choices, line.source, line.state) == (
        500_000, 435, [1, 3, 6], "bank_push", "active",
    )  # fmt: skip
    assert line.line_no == notice.fields["line_no"]


def test_a_second_push_changes_the_same_line(county, county_client, in_county):
    county_client.post(NOTIFY, _signed(_grant_notice(county)))
    line = CreditLine.objects.get()

    again = _grant_notice(county, line_no=line.line_no, limit_fen=200_000, state="frozen")
    assert county_client.post(NOTIFY, _signed(again)).status_code == 200

    line.refresh_from_db()
    assert (line.limit_fen, line.state, CreditLine.objects.count()) == (200_000, "frozen", 1)


@pytest.mark.parametrize(
    "tamper", ["forged", "wrong_secret", "stale", "missing", "bad_terms", "replay", "event"]
)
def test_bad_grants_are_4xx_and_change_nothing(county, county_client, in_county, tamper):
    notice = _grant_notice(county)
    payload = _signed(notice)
    if tamper == "forged":
        payload["sign"] = "0" * 64
    elif tamper == "wrong_secret":
        payload = bank_signing.signed({k: v for k, v in payload.items() if k != "sign"}, "x")
    elif tamper == "stale":
        payload = _signed(notice, timestamp=str(int(time.time()) - 3600))
    elif tamper == "missing":
        payload = _signed(notice, limit_fen="")
    elif tamper == "bad_terms":
        payload = _signed(notice, terms="12")
    elif tamper == "event":
        payload = _signed(notice, event="WITHDRAW")
    elif tamper == "replay":
        assert county_client.post(NOTIFY, payload).status_code == 200
        CreditLine.objects.all().delete()
    users, nonces = get_user_model().objects.count(), NotifyNonce.objects.count()

    response = county_client.post(NOTIFY, payload)

    assert 400 <= response.status_code < 500
    assert response.content.startswith(b"fail: ")
    assert CreditLine.objects.count() == 0
    assert (get_user_model().objects.count(), NotifyNonce.objects.count()) == (users, nonces)


def test_another_countys_merchant_cannot_push_a_line_here(
    county, other_county, county_client, in_county
):
    payment_settings_ensure(county=county)
    other = merchant_open(county_id=other_county.pk, name=other_county.name)
    credit_line_grant(
        merchant=other, mobile="13700000009", name="", limit_fen=500_000, rate_bp=435,
        terms="1,3,6", expires_on=timezone.localdate() + dt.timedelta(days=9),
        notify_url="http://anji.localhost:8000/credit/notify/",
    )  # fmt: skip
    notice = SandboxNotice.objects.order_by("-pk").first()

    response = county_client.post(NOTIFY, _signed(notice))

    assert response.status_code == 403
    assert CreditLine.objects.count() == 0


def test_a_line_pushed_to_one_county_is_not_in_the_other(county, other_county, county_client):
    from django_tenants.utils import tenant_context

    with tenant_context(county):
        notice = _grant_notice(county)
    assert county_client.post(NOTIFY, _signed(notice)).status_code == 200

    with tenant_context(other_county):
        assert CreditLine.objects.count() == 0
        assert not get_user_model().objects.filter(mobile="13700000009").exists()


def test_a_repayment_marks_the_instalment_paid_once(buyer, tea, point, line, county_client):
    from tests.credit.test_pay_later import _credit

    order = _credit(buyer, [(tea, 1)], term=3, point=point)

    first = repay(county_client, order, seq=1)
    again = repay(county_client, order, seq=1)  # the bank tells us twice (a new nonce)

    assert (first.status_code, again.status_code) == (200, 200)
    instalment = CreditInstalment.objects.get(draw__order=order, seq=1)
    assert instalment.paid_fen == instalment.due_fen and instalment.paid_at is not None
    assert instalment.bank_ref.startswith("P")


def test_a_repayment_of_the_wrong_amount_is_refused(buyer, tea, point, line, county_client):
    from tests.credit.test_pay_later import _credit

    order = _credit(buyer, [(tea, 1)], term=3, point=point)

    response = repay(county_client, order, seq=1, amount=1)

    assert response.status_code == 400
    assert not CreditInstalment.objects.filter(draw__order=order, paid_at__isnull=False).exists()
