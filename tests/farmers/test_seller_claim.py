"""A seller registered for them (by an operator, a clerk or an import) has no login yet: signing
in with an SMS code to that mobile number proves it is theirs, links it and verifies it."""

from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import User
from farmers.models import Seller
from tests.accounts.conftest import code_sent_to, sms_sent  # noqa: F401  (fixture)

LOGIN = "/account/login/"
MOBILE = "13700137000"


def _register_without_login(county) -> Seller:
    with tenant_context(county):
        return Seller.objects.create(
            kind=Seller.Kind.COOPERATIVE,
            name="黄杜白茶合作社",
            mobile=MOBILE,
            village="黄杜村",
            consented_at=timezone.now(),
            consent_method=Seller.ConsentMethod.PAPER_FORM,
            consent_recorded_by=User.objects.get(username="operator"),
        )


def _sign_in_by_sms(client, county, capture, mobile=MOBILE):
    with capture(execute=True):
        client.post(LOGIN, {"step": "mobile", "mobile": mobile})
    code = code_sent_to(mobile, county)
    return client.post(LOGIN, {"step": "code", "code": code, "next": "/seller/"})


def test_sms_sign_in_claims_and_verifies_the_registered_seller(
    county_client,
    county,
    django_capture_on_commit_callbacks,
    sms_sent,  # noqa: F811
):
    seller = _register_without_login(county)

    signed_in = _sign_in_by_sms(county_client, county, django_capture_on_commit_callbacks)
    page = county_client.get("/seller/")

    assert signed_in.status_code == 303
    assert page.status_code == 200
    with tenant_context(county):
        seller.refresh_from_db()
        assert seller.user == User.objects.get(mobile=MOBILE)
        assert seller.mobile_verified_at is not None


def test_a_password_login_with_the_same_number_claims_nothing(county_client, county):
    seller = _register_without_login(county)
    with tenant_context(county):
        User.objects.create_user(username="namesake", password="pw-namesake-1", mobile=MOBILE)
    assert county_client.login(username="namesake", password="pw-namesake-1")

    page = county_client.get("/seller/")

    assert page.status_code == 302
    assert page["Location"].startswith("/account/login/")
    with tenant_context(county):
        seller.refresh_from_db()
        assert (seller.user, seller.mobile_verified_at) == (None, None)


def test_another_number_claims_nothing(
    county_client,
    county,
    django_capture_on_commit_callbacks,
    sms_sent,  # noqa: F811
):
    seller = _register_without_login(county)

    _sign_in_by_sms(county_client, county, django_capture_on_commit_callbacks, "13700137001")
    page = county_client.get("/seller/")

    assert page.status_code == 302
    with tenant_context(county):
        seller.refresh_from_db()
        assert (seller.user, seller.mobile_verified_at) == (None, None)
