"""Abuse found in issue 12: non-ASCII digits making a second account, unlimited staff password
guesses, checkout texting any number, bank callbacks on the request's port, an unbounded
unknown-host cache."""

import uuid

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils.translation import override
from django_tenants.utils import schema_context, tenant_context

from accounts.lockout import LOCKOUT_FAILURES, MSG_LOGIN_LOCKED, _key
from accounts.models import SmsCode, User
from accounts.services import MOBILE_INVALID, mobile_normalize, sms_code_request
from core.errors import ApplicationError
from county_sites.orders.models import Order
from county_sites.orders.services.placing import CONTACT_TEXTS_PER_DAY, MSG_CONTACT_TOO_MANY
from farmers.forms.seller_admin import SellerCreateForm
from farmers.models import Seller
from farmers.services import seller_register
from farmers.services.sellers import MSG_MOBILE_TAKEN
from hub import host_cache
from sandbox_bank.models import SandboxTransaction
from tests.api.conftest import API, token_for
from tests.factories.orders import ResidentFactory
from tests.fixtures.counties import OPERATOR_PASSWORD, host_of
from tests.fixtures.orders import place

ARABIC_INDIC = "١٣٧٠٠٠٠٠٠٩٩"  # 13700000099 in Arabic-Indic digits
FULL_WIDTH = "１３７００００００９９"


def zh(message, **params) -> str:
    with override("zh-hans"):
        return str(message) % params if params else str(message)


# ------------------------------------------------------------------------------------------
# Mobile numbers: ASCII digits only, full-width folded, everywhere they enter
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed", [ARABIC_INDIC, "١٣٧00000099", "13７00000099".replace("７", "٧"), "①3700000099"]
)
def test_the_normaliser_refuses_other_scripts_digits(typed):
    with pytest.raises(ApplicationError) as refused:
        mobile_normalize(mobile=typed)

    assert refused.value.message == MOBILE_INVALID


def test_the_model_check_takes_ascii_digits_only(in_county):
    user = User(username="someone", mobile=ARABIC_INDIC)

    with pytest.raises(ValidationError) as refused:
        user.full_clean()

    assert refused.value.message_dict["mobile"] == [zh(MOBILE_INVALID)]


def test_the_sms_login_refuses_arabic_indic_digits_and_sends_nothing(in_county):
    with pytest.raises(ApplicationError) as refused:
        sms_code_request(mobile=ARABIC_INDIC, ip="10.0.0.1")

    assert refused.value.message == MOBILE_INVALID
    assert SmsCode.objects.count() == 0


def test_a_seller_registered_with_full_width_digits_is_the_same_number(in_county, operator):
    first = seller_register(
        actor=operator, kind=Seller.Kind.FARMER, name="王大伯", mobile=FULL_WIDTH,
        consent_method=Seller.ConsentMethod.PAPER_FORM,
    )  # fmt: skip

    with pytest.raises(ApplicationError) as refused:
        seller_register(
            actor=operator, kind=Seller.Kind.FARMER, name="王大伯", mobile="13700000099",
            consent_method=Seller.ConsentMethod.PAPER_FORM,
        )  # fmt: skip

    assert first.mobile == "13700000099"
    assert refused.value.message == MSG_MOBILE_TAKEN % {"mobile": "13700000099"}
    assert Seller.objects.count() == 1


def test_a_seller_with_arabic_indic_digits_is_refused(in_county, operator):
    with pytest.raises(ApplicationError) as refused:
        seller_register(
            actor=operator, kind=Seller.Kind.FARMER, name="王大伯", mobile=ARABIC_INDIC,
            consent_method=Seller.ConsentMethod.PAPER_FORM,
        )  # fmt: skip

    assert refused.value.message == MOBILE_INVALID
    assert Seller.objects.count() == 0


@pytest.mark.parametrize(
    ("typed", "valid", "stored"),
    [(FULL_WIDTH, True, "13700000099"), ("+86 137 0000 0099", True, "13700000099"),
     (ARABIC_INDIC, False, None)],
)  # fmt: skip
def test_the_operators_seller_form_folds_full_width_and_refuses_other_digits(
    in_county, typed, valid, stored
):
    form = SellerCreateForm(
        data={"kind": Seller.Kind.FARMER, "name": "王大伯", "mobile": typed, "village": "大溪村",
              "consent_method": Seller.ConsentMethod.PAPER_FORM, "bank_name": ""},
    )  # fmt: skip

    assert form.is_valid() is valid, form.errors
    if valid:
        assert form.cleaned_data["mobile"] == stored
    else:
        assert form.errors["mobile"] == [zh(MOBILE_INVALID)]


# ------------------------------------------------------------------------------------------
# Staff password logins lock after LOCKOUT_FAILURES failures per account and address
# ------------------------------------------------------------------------------------------
ATTACKER = "10.66.0.1"
ELSEWHERE = "10.66.0.2"


@pytest.fixture
def lockout_reset(county):
    """The lockout lives in Redis, across tests: forget this module's addresses after each."""
    yield
    for schema in ("public", county.schema_name):
        with schema_context(schema):
            for name in ("operator", "province-admin"):
                for ip in (ATTACKER, ELSEWHERE):
                    cache.delete_many([_key("failures", name, ip), _key("locked", name, ip)])


def _county_login(county, password, ip=ATTACKER):
    client = Client(HTTP_HOST=host_of(county), REMOTE_ADDR=ip)
    return client.post("/admin/login/", {"username": "operator", "password": password})


def test_county_admin_locks_after_five_wrong_passwords_even_for_the_right_one(
    county, in_county, lockout_reset
):
    for _attempt in range(LOCKOUT_FAILURES):
        assert _county_login(county, "wrong-password").status_code == 200

    locked = _county_login(county, OPERATOR_PASSWORD)
    elsewhere = _county_login(county, OPERATOR_PASSWORD, ip=ELSEWHERE)

    assert locked.status_code == 200
    assert zh(MSG_LOGIN_LOCKED, minutes=15) in locked.content.decode()
    assert "_auth_user_id" not in locked.client.session
    assert elsewhere.status_code == 302  # the operator elsewhere is not locked out


def test_a_right_password_before_the_limit_forgives_the_failures(county, in_county, lockout_reset):
    for _attempt in range(LOCKOUT_FAILURES - 1):
        _county_login(county, "wrong-password")
    assert _county_login(county, OPERATOR_PASSWORD).status_code == 302

    for _attempt in range(LOCKOUT_FAILURES - 1):
        _county_login(county, "wrong-password")

    assert _county_login(county, OPERATOR_PASSWORD).status_code == 302


def test_the_lock_is_per_county(county, other_county, in_county, lockout_reset):
    for _attempt in range(LOCKOUT_FAILURES):
        _county_login(county, "wrong-password")

    other = _county_login(other_county, OPERATOR_PASSWORD)

    assert other.status_code == 302


def test_province_admin_locks_after_five_wrong_passwords(db, lockout_reset):
    with schema_context("public"):
        User.objects.create_superuser(username="province-admin", password="province-pass-77")

    def login(password):
        client = Client(HTTP_HOST="localhost", REMOTE_ADDR=ATTACKER)
        return client.post(
            "/admin/login/?next=/admin/", {"username": "province-admin", "password": password}
        )

    for _attempt in range(LOCKOUT_FAILURES):
        assert login("wrong-password").status_code == 200
    locked = login("province-pass-77")

    assert locked.status_code == 200
    assert zh(MSG_LOGIN_LOCKED, minutes=15) in locked.content.decode()


# ------------------------------------------------------------------------------------------
# Checkout texts the contact number: a number not the buyer's own gets a few a day
# ------------------------------------------------------------------------------------------
STRANGER = "13912345678"


def test_a_strangers_number_gets_a_few_order_texts_a_day_then_checkout_refuses(
    county, in_county, buyer, other_buyer, tea, point
):
    for _order in range(CONTACT_TEXTS_PER_DAY):
        place(buyer, [(tea, 1)], point=point, contact_mobile=STRANGER)
    stock = tea.__class__.objects.get(pk=tea.pk).stock

    with pytest.raises(ApplicationError) as refused:
        place(buyer, [(tea, 1)], point=point, contact_mobile=STRANGER)
    # Another account gets no fresh allowance for the same number.
    with pytest.raises(ApplicationError) as refused_too:
        place(other_buyer, [(tea, 1)], point=point, contact_mobile=STRANGER)

    assert (refused.value.message, refused.value.field) == (MSG_CONTACT_TOO_MANY, "contact_mobile")
    assert refused_too.value.message == MSG_CONTACT_TOO_MANY
    assert Order.objects.filter(contact_mobile=STRANGER).count() == CONTACT_TEXTS_PER_DAY
    assert tea.__class__.objects.get(pk=tea.pk).stock == stock


def test_the_buyers_own_number_is_not_limited(in_county, buyer, tea, point):
    for _order in range(CONTACT_TEXTS_PER_DAY + 2):
        place(buyer, [(tea, 1)], point=point, contact_mobile=buyer.mobile)

    assert Order.objects.filter(buyer=buyer).count() == CONTACT_TEXTS_PER_DAY + 2


def test_the_allowance_is_per_county(county, other_county, in_county, buyer, tea, point):
    for _order in range(CONTACT_TEXTS_PER_DAY):
        place(buyer, [(tea, 1)], point=point, contact_mobile=STRANGER)

    with tenant_context(other_county):
        from tests.factories.farmers import ListingFactory
        from tests.factories.service_points import ServicePointFactory

        there = ResidentFactory(username="buyer-chunan", mobile="13700000003")
        order = place(
            there,
            [(ListingFactory(title="千岛湖鱼", stock=5, approved=True), 1)],
            point=ServicePointFactory(name="千岛湖服务点"),
            contact_mobile=STRANGER,
        )
        assert order.contact_mobile == STRANGER


def test_the_api_answers_the_refusal_as_400_on_the_field(county, in_county, buyer, tea, point):
    for _order in range(CONTACT_TEXTS_PER_DAY):
        place(buyer, [(tea, 1)], point=point, contact_mobile=STRANGER)
    client = Client(HTTP_HOST=host_of(county), HTTP_AUTHORIZATION=f"Bearer {token_for(buyer)}")

    response = client.post(
        f"{API}/orders/",
        {"fulfilment": "pickup", "payment_method": "cash_on_pickup",
         "service_point_id": point.pk, "contact_mobile": STRANGER,
         "lines": [{"listing_id": tea.pk, "quantity": 1}]},
        content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )  # fmt: skip

    assert response.status_code == 400
    assert response.json() == {"detail": zh(MSG_CONTACT_TOO_MANY), "field": "contact_mobile"}


# ------------------------------------------------------------------------------------------
# The bank's callbacks are built from the county's configured domain, not the Host header
# ------------------------------------------------------------------------------------------
def test_notify_and_return_urls_ignore_the_requests_port(
    county, in_county, buyer, tea, point, bank_in_process, settings
):
    settings.FENGSHOU_PUBLIC_SCHEME, settings.FENGSHOU_PUBLIC_PORT = "https", ""
    order = place(buyer, [(tea, 1)], point=point)
    client = Client(
        HTTP_HOST=f"{host_of(county)}:6666", HTTP_AUTHORIZATION=f"Bearer {token_for(buyer)}"
    )

    response = client.post(f"{API}/orders/{order.number}/pay/", content_type="application/json")

    trade = SandboxTransaction.objects.get(out_trade_no=order.number)
    assert response.status_code == 200
    assert trade.notify_url == "https://anji.localhost/payments/notify/bank-gateway/"
    assert trade.return_url == f"https://anji.localhost/payments/return/{order.number}/"


# ------------------------------------------------------------------------------------------
# The unknown-host cache is bounded
# ------------------------------------------------------------------------------------------
def test_a_scan_of_random_hosts_keeps_the_host_cache_bounded(county, db, settings, monkeypatch):
    settings.FENGSHOU_HOST_CACHE_SECONDS = 60
    monkeypatch.setattr(host_cache, "MAX_ENTRIES", 50)
    host_cache.host_cache_clear()

    assert host_cache.county_for_host(host_of(county)) == county
    for number in range(500):
        assert host_cache.county_for_host(f"scan-{number}.example.net") is None

    assert len(host_cache._entries) == 50
    assert "scan-499.example.net" in host_cache._entries
    assert host_cache.county_for_host(host_of(county)) == county
