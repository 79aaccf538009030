"""The phone login pages on a county host: step 1 the mobile number, step 2 the code."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django_tenants.utils import tenant_context

from accounts.forms import CODE_FORMAT
from accounts.models import SmsCode, SmsOutbox, User
from accounts.selectors import SMS_CODES_PER_IP_PER_HOUR
from accounts.services import (
    MOBILE_INVALID,
    SMS_CODE_MISSING,
    SMS_CODE_TOO_MANY_ATTEMPTS,
    SMS_CODE_WRONG,
    SMS_THROTTLED,
    sms_code_request,
)
from tests.accounts.conftest import MOBILE, code_sent_to
from tests.fixtures.counties import SchemaKeepingClient, host_of

LOGIN = "/account/login/"


def _send_code(client, capture, mobile=MOBILE, **extra):
    with capture(execute=True):
        return client.post(LOGIN, {"step": "mobile", "mobile": mobile, **extra})


def _in(county, query):
    with tenant_context(county):
        return query()


def _logged_in_user_id(client, county) -> str | None:
    with tenant_context(county):
        return client.session.get("_auth_user_id")


@pytest.fixture
def capture(django_capture_on_commit_callbacks, sms_sent):
    """Run the on-commit queueing of a request, delivering the SMS at once."""
    return django_capture_on_commit_callbacks


def test_full_phone_login_flow(county_client, county, capture):
    page = county_client.get(f"{LOGIN}?next=/shop/")
    assert page.status_code == 200
    assert 'name="mobile"' in page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()

    sent = _send_code(county_client, capture, next="/shop/")
    assert sent.status_code == 303
    assert sent["Location"] == f"{LOGIN}?next=%2Fshop%2F"

    code_page = county_client.get(sent["Location"])
    html = code_page.content.decode()
    assert code_page.status_code == 200
    assert 'name="code"' in html
    assert "138****8000" in html
    assert 'value="/shop/"' in html

    code = code_sent_to(MOBILE, county)
    done = county_client.post(LOGIN, {"step": "code", "code": code, "next": "/shop/"})

    assert done.status_code == 303
    assert done["Location"] == "/shop/"
    user = _in(county, lambda: User.objects.get(mobile=MOBILE))
    assert _logged_in_user_id(county_client, county) == str(user.pk)
    me = county_client.get(LOGIN)
    assert me.status_code == 200
    assert user.username in me.content.decode()
    assert 'action="/account/logout/"' in me.content.decode()


def test_login_without_next_goes_home(county_client, county, capture):
    _send_code(county_client, capture)

    done = county_client.post(LOGIN, {"step": "code", "code": code_sent_to(MOBILE, county)})

    assert done.status_code == 303
    assert done["Location"] == "/"


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/", "http://chunan.localhost/"]
)
def test_an_unsafe_next_goes_home(county_client, county, capture, unsafe):
    _send_code(county_client, capture, next=unsafe)

    done = county_client.post(
        LOGIN, {"step": "code", "code": code_sent_to(MOBILE, county), "next": unsafe}
    )

    assert done["Location"] == "/"


def test_invalid_mobile_is_400_with_the_message_and_nothing_created(
    county_client, county, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = county_client.post(LOGIN, {"step": "mobile", "mobile": "12345"})

    assert response.status_code == 400
    assert str(MOBILE_INVALID) in response.content.decode()
    assert callbacks == []
    assert not _in(county, SmsCode.objects.exists)
    assert not _in(county, SmsOutbox.objects.exists)


def test_empty_mobile_is_400(county_client, county):
    response = county_client.post(LOGIN, {"step": "mobile", "mobile": ""})

    assert response.status_code == 400
    assert not _in(county, SmsCode.objects.exists)


def test_a_second_request_within_60_seconds_is_429_and_sends_nothing(
    county_client, county, capture
):
    _send_code(county_client, capture)

    again = _send_code(county_client, capture)

    assert again.status_code == 429
    seconds = int(again["Retry-After"])
    assert 59 <= seconds <= 60
    assert str(SMS_THROTTLED % {"seconds": seconds}) in again.content.decode()
    assert _in(county, SmsOutbox.objects.count) == 1


def test_too_many_codes_from_one_ip_is_429(county_client, county, capture):
    with tenant_context(county):
        for number in range(SMS_CODES_PER_IP_PER_HOUR):
            sms_code_request(mobile=f"1370000{number:04d}", ip="127.0.0.1")

    response = _send_code(county_client, capture)

    assert response.status_code == 429
    assert "秒后再试" in response.content.decode()
    assert _in(county, lambda: SmsOutbox.objects.filter(mobile=MOBILE).exists()) is False


def test_a_wrong_code_is_400_with_the_attempts_left(county_client, county, capture):
    _send_code(county_client, capture)
    code = code_sent_to(MOBILE, county)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    response = county_client.post(LOGIN, {"step": "code", "code": wrong})

    assert response.status_code == 400
    assert str(SMS_CODE_WRONG % {"remaining": 4}) in response.content.decode()
    assert _logged_in_user_id(county_client, county) is None


def test_five_wrong_codes_then_the_right_one_is_refused(county_client, county, capture):
    _send_code(county_client, capture)
    code = code_sent_to(MOBILE, county)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    statuses = [
        county_client.post(LOGIN, {"step": "code", "code": wrong}).status_code for _ in range(5)
    ]
    right = county_client.post(LOGIN, {"step": "code", "code": code})

    assert statuses == [400, 400, 400, 400, 429]
    assert right.status_code == 429
    assert str(SMS_CODE_TOO_MANY_ATTEMPTS) in right.content.decode()
    assert _logged_in_user_id(county_client, county) is None
    assert not _in(county, lambda: User.objects.filter(mobile=MOBILE).exists())


def test_a_reused_code_is_refused(county_client, county, capture):
    _send_code(county_client, capture)
    code = code_sent_to(MOBILE, county)
    county_client.post(LOGIN, {"step": "code", "code": code})
    county_client.post("/account/logout/")
    # Back on the code step with the same number, as someone who knows the old code would be.
    with tenant_context(county):
        session = SessionStore()
        session["accounts_sms_login_mobile"] = MOBILE
        session.save()
    county_client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key

    again = county_client.post(LOGIN, {"step": "code", "code": code})

    assert again.status_code == 400
    assert "验证码已使用" in again.content.decode()
    assert _logged_in_user_id(county_client, county) is None


def test_a_code_that_is_not_six_digits_is_400_and_not_counted(county_client, county, capture):
    _send_code(county_client, capture)

    response = county_client.post(LOGIN, {"step": "code", "code": "12ab"})

    assert response.status_code == 400
    assert str(CODE_FORMAT) in response.content.decode()
    assert _in(county, lambda: SmsCode.objects.get().attempts) == 0


def test_a_code_without_a_number_in_the_session_is_400(county_client, county):
    response = county_client.post(LOGIN, {"step": "code", "code": "123456"})

    assert response.status_code == 400
    assert str(SMS_CODE_MISSING) in response.content.decode()
    assert 'name="mobile"' in response.content.decode()


def test_an_expired_code_is_400(county_client, county, capture):
    _send_code(county_client, capture)
    code = code_sent_to(MOBILE, county)
    with tenant_context(county):
        sms_code = SmsCode.objects.get()
        SmsCode.objects.filter(pk=sms_code.pk).update(
            created_at=sms_code.created_at - (sms_code.expires_at - sms_code.created_at),
            expires_at=sms_code.created_at,
        )

    response = county_client.post(LOGIN, {"step": "code", "code": code})

    assert response.status_code == 400
    assert "验证码已过期" in response.content.decode()


def test_change_number_goes_back_to_step_one(county_client, capture):
    _send_code(county_client, capture)

    response = county_client.get(f"{LOGIN}?change=1")

    assert 'name="mobile"' in response.content.decode()
    assert 'name="code"' not in response.content.decode()


def test_logout_is_post_only_and_ends_the_session(county_client, county, capture):
    _send_code(county_client, capture)
    county_client.post(LOGIN, {"step": "code", "code": code_sent_to(MOBILE, county)})

    assert county_client.get("/account/logout/").status_code == 405
    assert _logged_in_user_id(county_client, county) is not None
    out = county_client.post("/account/logout/")

    assert out.status_code == 303
    assert _logged_in_user_id(county_client, county) is None


def test_csrf_is_enforced(county, db, capture):
    client = SchemaKeepingClient(HTTP_HOST=host_of(county), county=county, enforce_csrf_checks=True)

    refused = client.post(LOGIN, {"step": "mobile", "mobile": MOBILE})
    client.get(LOGIN)
    token = client.cookies["csrftoken"].value
    accepted = _send_code(client, capture, csrfmiddlewaretoken=token)

    assert refused.status_code == 403
    assert accepted.status_code == 303


def test_the_login_page_is_not_on_the_hub(hub_client):
    assert hub_client.get(LOGIN).status_code == 404


def test_a_login_in_one_county_is_not_a_login_in_another(
    county_client, other_county_client, county, other_county, capture
):
    _send_code(county_client, capture)
    code = code_sent_to(MOBILE, county)

    # The same code, typed in county B: B never sent it and holds no number for this browser.
    foreign = other_county_client.post(LOGIN, {"step": "code", "code": code})
    assert foreign.status_code == 400
    with tenant_context(other_county):
        assert not SmsCode.objects.exists()

    county_client.post(LOGIN, {"step": "code", "code": code})

    assert _logged_in_user_id(county_client, county) is not None
    assert _in(county, lambda: User.objects.filter(mobile=MOBILE).exists())
    assert not _in(other_county, lambda: User.objects.filter(mobile=MOBILE).exists())
    stolen = SchemaKeepingClient(HTTP_HOST=host_of(other_county), county=other_county)
    stolen.cookies = county_client.cookies
    assert 'action="/account/logout/"' not in stolen.get(LOGIN).content.decode()
