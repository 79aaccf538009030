"""The SMS code field forgives how people type six digits (issue 14, point 4): full-width
digits, spaces and dashes; and it is the big numeric one-time-code field."""

import pytest

from accounts.forms import CODE_FORMAT, CodeForm
from tests.accounts.conftest import MOBILE, code_sent_to
from tests.accounts.test_sms_login_views import (
    LOGIN,
    _send_code,
    capture,  # noqa: F401  (fixture)
)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("123456", "123456"),
        ("123 456", "123456"),
        ("123-456", "123456"),
        ("１２３４５６", "123456"),
    ],
)
def test_code_as_typed_is_six_digits(typed, code):
    form = CodeForm({"code": typed})

    assert form.is_valid()
    assert form.cleaned_data["code"] == code


@pytest.mark.parametrize("typed", ["12345", "1234567", "12a456", "١٢٣٤٥٦"])
def test_anything_else_is_refused_with_the_message(typed):
    form = CodeForm({"code": typed})

    assert not form.is_valid()
    assert form.errors["code"] == [str(CODE_FORMAT)]


def test_the_code_field_is_big_numeric_and_one_time(county_client, county, capture):  # noqa: F811
    _send_code(county_client, capture)

    html = county_client.get(LOGIN).content.decode()

    assert 'class="sms-code"' in html
    assert 'inputmode="numeric"' in html and 'autocomplete="one-time-code"' in html


def test_a_code_typed_with_a_space_signs_in(county_client, county, capture):  # noqa: F811
    _send_code(county_client, capture)
    code = code_sent_to(MOBILE, county)

    done = county_client.post(LOGIN, {"step": "code", "code": f"{code[:3]} {code[3:]}"})

    assert done.status_code == 303
    assert done["Location"] == "/"
