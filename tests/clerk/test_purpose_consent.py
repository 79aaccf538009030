"""A consent to one purpose (sharing data with the bank, SMS) taken at the clerk's console
(issue 11, point 4): the notice read out, the code texted to the villager's OWN phone, what
the clerk explained kept; a wrong code records nothing; another point's clerk gets a 404."""

import pytest

from accounts.models import SmsOutbox
from tests.fixtures.assisted import wrong

pytestmark = pytest.mark.usefixtures("fresh_tries")


def test_at_the_console_a_consent_needs_the_villagers_own_code_and_keeps_the_explanation(
    county_client, clerk, villager
):
    from accounts.models import Consent
    from tests.accounts.conftest import CODE_IN_TEXT

    county_client.force_login(clerk.user)
    url = f"/clerk/villagers/{villager.pk}/consents/"
    opened = county_client.post(url, {"step": "start", "purpose": "bank_purchase_data"})
    assert opened.status_code == 200 and "向县农商银行提供您的购物记录" in opened.content.decode()

    sent = county_client.post(
        url, {"step": "send", "purpose": "bank_purchase_data", "explanation": "讲了用途和撤回"}
    )
    text = SmsOutbox.objects.filter(mobile=villager.mobile).order_by("-pk").first().text
    code = CODE_IN_TEXT.search(text).group(1)
    assert sent.status_code == 200 and "县农商银行" in text

    guessed = county_client.post(
        url, {"step": "record", "purpose": "bank_purchase_data", "explanation": "讲了",
              "code": wrong(code)},
    )  # fmt: skip
    assert guessed.status_code == 400
    assert not Consent.objects.filter(user=villager, purpose="bank_purchase_data").exists()

    recorded = county_client.post(
        url, {"step": "record", "purpose": "bank_purchase_data", "explanation": "讲了用途和撤回",
              "code": code},
    )  # fmt: skip
    assert recorded.status_code == 303
    consent = Consent.objects.get(user=villager, purpose="bank_purchase_data")
    assert (consent.method, consent.recorded_by_id, consent.explanation) == (
        "sms_own", clerk.user.pk, "讲了用途和撤回",
    )  # fmt: skip


def test_another_points_clerk_cannot_open_the_villagers_consents(county_client, clerk_q, villager):
    county_client.force_login(clerk_q.user)

    response = county_client.post(
        f"/clerk/villagers/{villager.pk}/consents/", {"step": "send", "purpose": "sms_service"}
    )

    assert response.status_code == 404
    assert not SmsOutbox.objects.filter(
        mobile=villager.mobile, text__contains="接收服务短信"
    ).exists()
