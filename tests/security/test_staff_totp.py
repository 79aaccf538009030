"""The optional TOTP second factor for staff password logins (issue 12, docs/adr/0018): staff
who turned it on need the authenticator's code after the password; everyone else signs in as
before; a wrong code counts towards the lockout."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils.translation import override
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from accounts.forms import MSG_OTP_REQUIRED, MSG_OTP_WRONG
from accounts.lockout import LOCKOUT_FAILURES, MSG_LOGIN_LOCKED, _key
from accounts.models import User
from accounts.services import STAFF_ONLY, staff_totp_enable, user_create_resident
from core.errors import ApplicationError
from tests.fixtures.counties import OPERATOR_PASSWORD, host_of

IP = "10.77.0.1"


def zh(message, **params) -> str:
    with override("zh-hans"):
        return str(message) % params if params else str(message)


@pytest.fixture
def lockout_reset(county):
    yield
    for schema in ("public", county.schema_name):
        with schema_context(schema):
            for name in ("operator", "province-otp"):
                cache.delete_many([_key("failures", name, IP), _key("locked", name, IP)])


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _county_login(county, **extra):
    client = Client(HTTP_HOST=host_of(county), REMOTE_ADDR=IP)
    response = client.post(
        "/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD, **extra}
    )
    return client, response


@pytest.fixture
def operator_device(in_county, lockout_reset):
    return staff_totp_enable(user=User.objects.get(username="operator"))


def test_without_a_device_the_password_alone_signs_in(county, in_county, lockout_reset):
    _client, response = _county_login(county)

    assert response.status_code == 302


def test_with_a_device_the_password_alone_is_refused(county, operator_device):
    client, response = _county_login(county)

    assert response.status_code == 200
    assert zh(MSG_OTP_REQUIRED) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_with_a_device_the_right_code_signs_in_verified(county, operator_device):
    client, response = _county_login(county, otp_token=_code(operator_device))

    assert response.status_code == 302
    assert client.session["otp_device_id"] == operator_device.persistent_id
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_and_counts_towards_the_lockout(county, operator_device):
    for _attempt in range(LOCKOUT_FAILURES):
        _client, wrong = _county_login(county, otp_token="000000" if _code(operator_device)
                                       != "000000" else "111111")  # fmt: skip
        assert zh(MSG_OTP_WRONG) in wrong.content.decode()

    _client, locked = _county_login(county, otp_token=_code(operator_device))

    assert zh(MSG_LOGIN_LOCKED, minutes=15) in locked.content.decode()


def test_the_province_admin_asks_for_the_code_too(db, lockout_reset):
    with schema_context("public"):
        user = User.objects.create_superuser(username="province-otp", password="province-pass-88")
        device = staff_totp_enable(user=user)

    def login(**extra):
        client = Client(HTTP_HOST="localhost", REMOTE_ADDR=IP)
        return client.post(
            "/admin/login/?next=/admin/",
            {"username": "province-otp", "password": "province-pass-88", **extra},
        )

    without = login()
    with_code = login(otp_token=_code(device))

    assert without.status_code == 200
    assert zh(MSG_OTP_REQUIRED) in without.content.decode()
    assert 'name="otp_token"' in without.content.decode()
    assert with_code.status_code == 302


def test_residents_cannot_turn_it_on(in_county):
    resident = user_create_resident(mobile="13700000077")  # as the SMS login makes them

    with pytest.raises(ApplicationError) as refused:
        staff_totp_enable(user=resident)

    assert refused.value.message == STAFF_ONLY
    assert TOTPDevice.objects.count() == 0


def test_the_command_turns_it_on_and_off(county, in_county, capsys):
    call_command("staff_totp", "--county", county.slug, "operator")
    shown = capsys.readouterr().out
    device = TOTPDevice.objects.get(user__username="operator")

    assert "otpauth://totp/" in shown
    assert device.confirmed is True

    call_command("staff_totp", "--county", county.slug, "operator", "--off")

    assert TOTPDevice.objects.count() == 0
