"""The operator's seller form takes a mobile number as people write it (issue 14, point 4):
spaces, dashes, +86, full-width digits, normalised by accounts.services.mobile_normalize."""

import pytest

from accounts.services import MOBILE_INVALID
from farmers.forms.seller_admin import SellerCreateForm
from farmers.models import Seller

NEW = "/admin/sellers/new/"


def _form(mobile: str) -> dict:
    return {
        "kind": "farmer",
        "name": "赵师傅",
        "mobile": mobile,
        "village": "大溪村",
        "registered_by_point": "",
        "bank_name": "",
        "bank_account_number": "",
        "consent_method": "paper_form",
    }


@pytest.mark.parametrize(
    "typed",
    [
        "137 0013 7555",
        "137-0013-7555",
        "+86 137 0013 7555",
        "１３７００１３７５５５",
        "13700137555",
    ],
)
def test_a_mobile_typed_with_spaces_dashes_or_86_registers_the_seller(operator_client, typed):
    response = operator_client.post(NEW, _form(typed))

    assert response.status_code == 302
    assert Seller.objects.get().mobile == "13700137555"


def test_the_field_is_not_cut_to_eleven_characters_in_the_browser(operator_client):
    html = operator_client.get(NEW).content.decode()

    assert 'name="mobile"' in html
    assert 'maxlength="11"' not in html.split('name="mobile"')[1].split(">")[0]
    assert 'inputmode="tel"' in html


@pytest.mark.parametrize("typed", ["1370013", "137 0013 75555", "02345678901", "abc"])
def test_a_number_that_is_not_a_mobile_is_refused_and_nothing_is_saved(operator_client, typed):
    response = operator_client.post(NEW, _form(typed))

    assert response.status_code == 200
    assert str(MOBILE_INVALID) in response.content.decode()
    assert not Seller.objects.exists()


def test_the_form_alone_normalises(in_county):
    form = SellerCreateForm(_form("+86 137-0013-7555"))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["mobile"] == "13700137555"
