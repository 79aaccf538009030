"""Registering sellers: consent on record, masked bank account, one seller per mobile."""

import pytest
from django.db import IntegrityError, transaction

from core.errors import ApplicationError
from farmers.models import Seller
from farmers.services import (
    MSG_BANK_ACCOUNT_FORMAT,
    MSG_BANK_NAME_REQUIRED,
    MSG_MOBILE_TAKEN,
    MSG_NOT_FOR_THIS_SELLER,
    MSG_OPERATOR_ONLY,
    MSG_SELF_CONSENT_NEEDS_OWN_ACCOUNT,
    MSG_UNKNOWN_FIELDS,
    MSG_USER_ALREADY_SELLER,
    seller_bank_account_set,
    seller_register,
    seller_update,
)
from tests.factories.farmers import SellerFactory, SellerUserFactory
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.farmers import farmers_snapshot

FULL_CARD = "6222 0212 3456 7890 123"


def test_a_farmer_registers_on_their_own_phone(in_county):
    user = SellerUserFactory(mobile="13905720001")

    seller = seller_register(
        actor=user,
        user=user,
        kind=Seller.Kind.FARMER,
        name=" 王大伯 ",
        mobile="13905720001",
        village="大溪村",
        consent_method=Seller.ConsentMethod.SELF_ON_PHONE,
        bank_name="安吉农商银行",
        bank_account_number=FULL_CARD,
    )

    seller.refresh_from_db()
    assert (seller.name, seller.mobile, seller.user, seller.village) == (
        "王大伯",
        "13905720001",
        user,
        "大溪村",
    )
    assert seller.consented_at is not None
    assert (seller.consent_method, seller.consent_recorded_by) == ("self_on_phone", None)
    assert (seller.bank_name, seller.bank_account_last4) == ("安吉农商银行", "0123")
    assert seller.bank_account_masked == "安吉农商银行 尾号 0123"
    assert seller.id_verification == Seller.IdVerification.UNVERIFIED


def test_the_full_bank_account_number_is_stored_nowhere(in_county):
    user = SellerUserFactory()

    seller = seller_register(
        actor=user,
        user=user,
        kind=Seller.Kind.FARMER,
        name="王大伯",
        mobile=user.mobile,
        consent_method=Seller.ConsentMethod.SELF_ON_PHONE,
        bank_name="安吉农商银行",
        bank_account_number=FULL_CARD,
    )

    row = str(Seller.objects.filter(pk=seller.pk).values().get())
    assert "6222" not in row
    assert "7890" not in row


def test_an_operator_registers_a_cooperative_at_a_service_point(operator):
    point = ServicePointFactory(name="递铺村服务点")

    seller = seller_register(
        actor=operator,
        kind=Seller.Kind.COOPERATIVE,
        name="安吉白茶合作社",
        mobile="13905720002",
        consent_method=Seller.ConsentMethod.AT_SERVICE_POINT,
        registered_by_point=point,
    )

    seller.refresh_from_db()
    assert (seller.consent_recorded_by, seller.registered_by_point) == (operator, point)
    assert (seller.user, seller.bank_account_last4) == (None, "")


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"mobile": "13905720009"}, MSG_MOBILE_TAKEN % {"mobile": "13905720009"}, "mobile"),
        ({"mobile": "1390572"}, "请输入11位中国大陆手机号码。", "mobile"),
        ({"bank_account_number": "1234"}, MSG_BANK_ACCOUNT_FORMAT, "bank_account_number"),
        ({"bank_name": ""}, MSG_BANK_NAME_REQUIRED, "bank_name"),
        ({"kind": "landlord"}, None, "kind"),
    ],
)
def test_seller_register_refuses_bad_input_and_creates_nothing(operator, overrides, message, field):
    SellerFactory(mobile="13905720009")
    before = farmers_snapshot()
    arguments = {
        "actor": operator,
        "kind": Seller.Kind.FARMER,
        "name": "赵师傅",
        "mobile": "13905720010",
        "consent_method": Seller.ConsentMethod.PAPER_FORM,
        "bank_name": "农业银行",
        "bank_account_number": "6228480012345678",
        **overrides,
    }

    with pytest.raises(ApplicationError) as raised:
        seller_register(**arguments)

    assert raised.value.field == field
    if message is not None:
        assert str(raised.value) == str(message)
    assert farmers_snapshot() == before


def test_self_consent_recorded_by_someone_else_is_refused(operator):
    villager = SellerUserFactory()
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        seller_register(
            actor=operator,
            user=villager,
            kind=Seller.Kind.FARMER,
            name="王大伯",
            mobile=villager.mobile,
            consent_method=Seller.ConsentMethod.SELF_ON_PHONE,
        )

    assert str(raised.value) == str(MSG_SELF_CONSENT_NEEDS_OWN_ACCOUNT)
    assert farmers_snapshot() == before


def test_registering_on_someones_behalf_needs_an_operator(in_county):
    villager = SellerUserFactory()
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        seller_register(
            actor=villager,
            kind=Seller.Kind.FARMER,
            name="邻居",
            mobile="13905720011",
            consent_method=Seller.ConsentMethod.PAPER_FORM,
        )

    assert str(raised.value) == str(MSG_OPERATOR_ONLY)
    assert farmers_snapshot() == before


def test_one_account_is_one_seller(seller):
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        seller_register(
            actor=seller.user,
            user=seller.user,
            kind=Seller.Kind.MERCHANT,
            name="小卖部",
            mobile="13905720012",
            consent_method=Seller.ConsentMethod.SELF_ON_PHONE,
        )

    assert str(raised.value) == MSG_USER_ALREADY_SELLER % {"name": "王大伯"}
    assert farmers_snapshot() == before


def test_the_database_keeps_mobiles_unique_and_consent_on_behalf_attributed(seller):
    with pytest.raises(IntegrityError), transaction.atomic():
        SellerFactory(user=None, mobile=seller.mobile)
    with pytest.raises(IntegrityError), transaction.atomic():
        Seller.objects.filter(pk=seller.pk).update(consent_method="paper_form")


def test_a_seller_changes_their_village_but_not_their_id_verification(seller):
    seller_update(actor=seller.user, seller=seller, village="报福村")
    before = farmers_snapshot()

    with pytest.raises(ApplicationError, match=str(MSG_OPERATOR_ONLY)):
        seller_update(actor=seller.user, seller=seller, id_verification="verified")

    assert farmers_snapshot() == before
    assert Seller.objects.get(pk=seller.pk).village == "报福村"


def test_an_operator_verifies_a_sellers_id(operator, seller):
    seller_update(actor=operator, seller=seller, id_verification=Seller.IdVerification.VERIFIED)

    assert Seller.objects.get(pk=seller.pk).id_verification == "verified"


def test_seller_update_strips_and_saves_what_changed(seller):
    updated = seller_update(actor=seller.user, seller=seller, name="  王大伯家庭农场 ")

    row = Seller.objects.get(pk=seller.pk)
    assert (updated.name, row.name) == ("王大伯家庭农场", "王大伯家庭农场")
    assert row.updated_at > seller.updated_at


def test_a_seller_update_that_changes_nothing_saves_nothing(seller):
    before = farmers_snapshot()

    updated = seller_update(
        actor=seller.user, seller=seller, name=f" {seller.name} ", village=seller.village
    )

    assert (updated.pk, updated.name) == (seller.pk, seller.name)
    assert farmers_snapshot() == before  # updated_at included


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"mobile": "13900139999"}, "mobile"),
        ({"bank_account_last4": "1234", "name": "新名字"}, "bank_account_last4"),
        ({"user": None, "consent_method": "paper_form"}, "consent_method, user"),
    ],
)
def test_seller_update_refuses_fields_it_does_not_own(operator, seller, changes, fields):
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        seller_update(actor=operator, seller=seller, **changes)

    assert str(raised.value) == MSG_UNKNOWN_FIELDS % {"fields": fields}
    assert farmers_snapshot() == before


def test_a_seller_cannot_update_another_seller(seller, other_seller):
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        seller_update(actor=seller.user, seller=other_seller, village="报福村")

    assert str(raised.value) == str(MSG_NOT_FOR_THIS_SELLER)
    assert farmers_snapshot() == before


def test_only_an_operator_sets_the_registering_service_point(operator, seller):
    point = ServicePointFactory()
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        seller_update(actor=seller.user, seller=seller, registered_by_point=point)

    assert str(raised.value) == str(MSG_OPERATOR_ONLY)
    assert farmers_snapshot() == before
    seller_update(actor=operator, seller=seller, registered_by_point=point)
    assert Seller.objects.get(pk=seller.pk).registered_by_point == point


def test_a_seller_cannot_change_another_sellers_bank_account(seller, other_seller):
    before = farmers_snapshot()

    with pytest.raises(ApplicationError, match="您不能代表这个卖家操作"):
        seller_bank_account_set(
            actor=seller.user,
            seller=other_seller,
            bank_name="农业银行",
            bank_account_number="6228480012345678",
        )

    assert farmers_snapshot() == before
