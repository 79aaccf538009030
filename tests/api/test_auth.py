"""Token auth: phone login for a token (hashed at rest), revoking it, session auth with CSRF,
401 for everyone else, and tokens that work only in the county that issued them."""

import hashlib
import re

import pytest

from accounts.models import SmsOutbox
from accounts.services import SMS_CODE_WRONG, SMS_THROTTLED
from county_sites.api.errors import MSG_CSRF_FAILED, MSG_NOT_AUTHENTICATED
from county_sites.api.models import ApiToken
from tests.api.conftest import API, bearer_client, token_for
from tests.fixtures.counties import SchemaKeepingClient, host_of

MOBILE = "13800138000"


def _code_sent_to(mobile: str) -> str:
    """The code in the latest text to `mobile` (what the villager reads on their phone)."""
    text = SmsOutbox.objects.filter(mobile=mobile).order_by("-created_at", "-id").first().text
    return re.search(r"(?<!\d)(\d{6})(?!\d)", text).group(1)


def test_phone_login_gives_a_token_that_is_stored_hashed_and_works(anon_client, in_county):
    sent = anon_client.post(f"{API}/auth/sms-code/", {"mobile": MOBILE},
                            content_type="application/json")  # fmt: skip
    assert sent.status_code == 202
    assert sent.json()["mobile"] == MOBILE

    response = anon_client.post(
        f"{API}/auth/token/",
        {"mobile": MOBILE, "code": _code_sent_to(MOBILE)},
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    token = body["token"]
    assert body["token_type"] == "Bearer"
    assert body["user"]["mobile"] == MOBILE
    stored = ApiToken.objects.get()
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert all(token not in str(value) for value in ApiToken.objects.values().get().values())
    cart = anon_client.get(f"{API}/cart/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert cart.status_code == 200


def test_a_wrong_code_is_the_login_pages_message_and_gives_no_token(anon_client, in_county):
    anon_client.post(f"{API}/auth/sms-code/", {"mobile": MOBILE}, content_type="application/json")
    wrong = f"{(int(_code_sent_to(MOBILE)) + 1) % 1_000_000:06d}"

    response = anon_client.post(f"{API}/auth/token/", {"mobile": MOBILE, "code": wrong},
                                content_type="application/json")  # fmt: skip

    assert response.status_code == 400
    assert response.json() == {"detail": SMS_CODE_WRONG % {"remaining": 4}, "field": "code"}
    assert not ApiToken.objects.exists()


def test_a_second_code_within_a_minute_is_throttled_with_429(anon_client, in_county):
    anon_client.post(f"{API}/auth/sms-code/", {"mobile": MOBILE}, content_type="application/json")

    response = anon_client.post(f"{API}/auth/sms-code/", {"mobile": MOBILE},
                                content_type="application/json")  # fmt: skip

    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 0 < wait <= 60
    assert response.json() == {"detail": SMS_THROTTLED % {"seconds": wait}, "field": "mobile"}
    assert SmsOutbox.objects.count() == 1


def test_a_revoked_token_is_a_401(county, buyer, buyer_token):
    client = bearer_client(county, buyer_token)
    assert client.get(f"{API}/cart/").status_code == 200

    revoked = client.delete(f"{API}/auth/token/")

    assert revoked.status_code == 204
    assert ApiToken.objects.get().revoked_at is not None
    response = client.get(f"{API}/cart/")
    assert response.status_code == 401
    assert response.json() == {"detail": str(MSG_NOT_AUTHENTICATED), "field": None}
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/cart/"), ("post", "/cart/lines/"), ("delete", "/cart/"), ("get", "/orders/"),
     ("post", "/orders/"), ("get", "/orders/2501010000001/"),
     ("post", "/orders/2501010000001/cancel/"), ("get", "/orders/2501010000001/payment/"),
     ("post", "/orders/2501010000001/pay/"), ("delete", "/auth/token/")],
)  # fmt: skip
def test_cart_and_orders_need_a_signed_in_caller(anon_client, in_county, method, path):
    response = getattr(anon_client, method)(f"{API}{path}", content_type="application/json")

    assert response.status_code == 401
    assert response.json()["detail"] == str(MSG_NOT_AUTHENTICATED)


def test_an_unknown_token_is_a_401(county, in_county):
    response = bearer_client(county, "fs_not-a-real-token").get(f"{API}/cart/")

    assert response.status_code == 401


def test_a_token_of_county_a_does_not_authenticate_on_county_b(
    county, other_county, buyer, buyer_token
):
    on_a = bearer_client(county, buyer_token).get(f"{API}/cart/")
    on_b = SchemaKeepingClient(
        HTTP_HOST=host_of(other_county), county=other_county,
        HTTP_AUTHORIZATION=f"Bearer {buyer_token}",
    ).get(f"{API}/cart/")  # fmt: skip

    assert on_a.status_code == 200
    assert on_b.status_code == 401


def test_session_auth_needs_the_csrf_token_on_unsafe_methods(county, buyer, tea):
    client = SchemaKeepingClient(HTTP_HOST=host_of(county), county=county,
                                 enforce_csrf_checks=True)  # fmt: skip
    client.force_login(buyer)
    body = {"listing_id": tea.pk, "quantity": 1}

    assert client.get(f"{API}/cart/").status_code == 200
    refused = client.post(f"{API}/cart/lines/", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json() == {"detail": str(MSG_CSRF_FAILED), "field": None}

    client.get("/cart/")  # any storefront page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    added = client.post(f"{API}/cart/lines/", body, content_type="application/json",
                        HTTP_X_CSRFTOKEN=token)  # fmt: skip
    assert added.status_code == 201


def test_a_bearer_token_needs_no_csrf_token(county, buyer_token, tea):
    client = bearer_client(county, buyer_token, enforce_csrf_checks=True)

    response = client.post(f"{API}/cart/lines/", {"listing_id": tea.pk, "quantity": 1},
                           content_type="application/json")  # fmt: skip

    assert response.status_code == 201


def test_every_token_is_new(buyer):
    assert token_for(buyer) != token_for(buyer)
