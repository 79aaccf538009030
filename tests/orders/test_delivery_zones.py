"""Delivery zones are written only through county_sites.orders.services: by a county
operator in the county Wagtail admin (配送区域); refusals change nothing."""

import pytest
from django.contrib.auth.models import Permission
from django_tenants.utils import tenant_context

from core.errors import ApplicationError
from county_sites.orders.models import DeliveryZone
from county_sites.orders.selectors import delivery_zones_active
from county_sites.orders.services import (
    MSG_OPERATOR_ONLY,
    MSG_UNKNOWN_FIELDS,
    MSG_ZONE_FEE_INVALID,
    delivery_zone_create,
    delivery_zone_update,
)
from tests.factories.orders import DeliveryZoneFactory, ResidentFactory
from tests.fixtures.counties import OPERATOR_PASSWORD

ADMIN = "/admin/delivery_zones/"


def _zones() -> list[dict]:
    """Every delivery zone row of the current county, to assert a refusal changed nothing."""
    return list(DeliveryZone.objects.order_by("pk").values())


def _form(**overrides) -> dict:
    """The admin add/edit form as a browser posts it."""
    return {
        "name": "城区",
        "description": "递铺街道、昌硕街道",
        "fee_fen": "8.00",
        "is_active": "on",
        "sort_order": "5",
        **overrides,
    }


@pytest.fixture
def resident(in_county):
    """An ordinary resident of the county: no admin, not an operator."""
    return ResidentFactory(username="resident-wang", mobile="13700000099")


@pytest.fixture
def zone_editor(in_county):
    """An admin account given the zone permissions one by one, outside the county operator
    group: Wagtail lets it open the forms, the service still refuses it."""
    user = ResidentFactory(username="editor-li", mobile="13700000098")
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="orders",
            codename__in=["view_deliveryzone", "add_deliveryzone", "change_deliveryzone"],
        ),
    )
    return user


# ------------------------------------------------------------------------------
# The services
# ------------------------------------------------------------------------------
def test_an_operator_creates_a_zone_with_its_text_stripped(operator):
    zone = delivery_zone_create(
        actor=operator, name=" 城区 ", description=" 递铺街道 ", fee_fen=800, sort_order=5
    )

    row = DeliveryZone.objects.values().get(pk=zone.pk)
    assert {name: value for name, value in row.items() if name != "id"} == {
        "name": "城区",
        "description": "递铺街道",
        "fee_fen": 800,
        "is_active": True,
        "sort_order": 5,
    }


def test_the_first_zone_comes_first_and_each_new_one_after_the_last(operator):
    assert not DeliveryZone.objects.exists()

    first = delivery_zone_create(actor=operator, name="城区")
    DeliveryZoneFactory(name="山区", sort_order=35)
    DeliveryZoneFactory(name="乡镇", sort_order=12)
    last = delivery_zone_create(actor=operator, name="湖区", fee_fen=1500)

    assert (first.sort_order, last.sort_order) == (0, 45)
    assert list(DeliveryZone.objects.values_list("name", flat=True)) == [
        "城区",
        "乡镇",
        "山区",
        "湖区",
    ]


def test_the_first_zone_sorts_first(operator):
    zone = delivery_zone_create(actor=operator, name="城区", fee_fen=800)

    assert DeliveryZone.objects.get() == zone
    assert (zone.fee_fen, zone.sort_order, zone.is_active) == (800, 0, True)


def test_no_actor_is_refused(in_county):
    with pytest.raises(ApplicationError) as refused:
        delivery_zone_create(actor=None, name="城区", fee_fen=800)

    assert refused.value.message == MSG_OPERATOR_ONLY
    assert DeliveryZone.objects.count() == 0


def test_an_operator_updates_only_the_fields_given(operator):
    zone = DeliveryZoneFactory(name="城区", description="递铺街道", fee_fen=800, sort_order=10)

    updated = delivery_zone_update(
        actor=operator, zone=zone, fee_fen=1000, name=" 城区（含开发区） "
    )

    zone.refresh_from_db()
    assert updated == zone
    assert (zone.name, zone.description, zone.fee_fen, zone.sort_order) == (
        "城区（含开发区）",
        "递铺街道",
        1000,
        10,
    )


def test_a_resident_cannot_create_a_zone(resident):
    with pytest.raises(ApplicationError) as refused:
        delivery_zone_create(actor=resident, name="城区", fee_fen=0)

    assert refused.value.message == MSG_OPERATOR_ONLY
    assert not DeliveryZone.objects.exists()


def test_a_resident_cannot_update_a_zone(resident):
    zone = DeliveryZoneFactory(name="城区", fee_fen=800)
    before = _zones()

    with pytest.raises(ApplicationError) as refused:
        delivery_zone_update(actor=resident, zone=zone, fee_fen=0)

    assert refused.value.message == MSG_OPERATOR_ONLY
    assert _zones() == before


@pytest.mark.parametrize("fee_fen", [-1, 8.5, "800", True])
def test_a_fee_that_is_not_whole_fen_from_0_up_is_refused(operator, fee_fen):
    with pytest.raises(ApplicationError) as refused:
        delivery_zone_create(actor=operator, name="城区", fee_fen=fee_fen)

    assert (refused.value.field, refused.value.message) == ("fee_fen", MSG_ZONE_FEE_INVALID)
    assert not DeliveryZone.objects.exists()


def test_an_update_to_a_negative_fee_changes_nothing(operator):
    zone = DeliveryZoneFactory(name="城区", fee_fen=800)
    before = _zones()

    with pytest.raises(ApplicationError) as refused:
        delivery_zone_update(actor=operator, zone=zone, name="新城区", fee_fen=-100)

    assert (refused.value.field, refused.value.message) == ("fee_fen", MSG_ZONE_FEE_INVALID)
    assert _zones() == before


def test_an_unknown_field_is_refused(operator):
    zone = DeliveryZoneFactory(name="城区")
    before = _zones()

    with pytest.raises(ApplicationError) as refused:
        delivery_zone_update(actor=operator, zone=zone, name="新城区", id=999)

    assert refused.value.message == MSG_UNKNOWN_FIELDS % {"fields": "id"}
    assert _zones() == before


def test_a_deactivated_zone_is_no_longer_offered_at_checkout(operator):
    town = DeliveryZoneFactory(name="城区", sort_order=0)
    hills = DeliveryZoneFactory(name="山区", sort_order=10)
    assert list(delivery_zones_active()) == [town, hills]

    delivery_zone_update(actor=operator, zone=hills, is_active=False)

    assert list(delivery_zones_active()) == [town]
    assert DeliveryZone.objects.filter(pk=hills.pk, is_active=False).exists()


# ------------------------------------------------------------------------------
# The Wagtail admin (配送区域)
# ------------------------------------------------------------------------------
def test_the_admin_add_form_creates_the_zone_through_the_service(operator_client, in_county):
    response = operator_client.post(f"{ADMIN}new/", _form())

    assert response.status_code == 302
    zone = DeliveryZone.objects.get()
    assert (zone.name, zone.description, zone.fee_fen, zone.sort_order, zone.is_active) == (
        "城区",
        "递铺街道、昌硕街道",
        800,
        5,
        True,
    )


def test_the_admin_add_form_left_without_an_order_puts_the_zone_last(operator_client):
    DeliveryZoneFactory(name="城区", sort_order=0)
    DeliveryZoneFactory(name="乡镇", sort_order=10)

    page = operator_client.get(f"{ADMIN}new/").content.decode()
    response = operator_client.post(f"{ADMIN}new/", _form(name="山区", sort_order=""))

    assert 'name="sort_order"' in page and "留空则排在最后。" in page
    assert 'name="sort_order" value="0"' not in page
    assert response.status_code == 302
    assert DeliveryZone.objects.get(name="山区").sort_order == 20


def test_the_admin_edit_form_updates_and_deactivates_through_the_service(
    operator_client, in_county
):
    zone = DeliveryZoneFactory(name="城区", fee_fen=800)
    form = _form(name="城区（含开发区）", fee_fen="12")
    del form["is_active"]  # the box unticked

    response = operator_client.post(f"{ADMIN}edit/{zone.pk}/", form)

    assert response.status_code == 302
    zone.refresh_from_db()
    assert (zone.name, zone.fee_fen, zone.is_active) == ("城区（含开发区）", 1200, False)
    assert zone not in delivery_zones_active()


def test_the_admin_add_form_shows_the_services_refusal(county_client, zone_editor):
    county_client.force_login(zone_editor)

    response = county_client.post(f"{ADMIN}new/", _form())

    assert response.status_code == 200
    assert str(MSG_OPERATOR_ONLY) in response.content.decode()
    assert not DeliveryZone.objects.exists()


def test_the_admin_edit_form_shows_the_services_refusal(county_client, zone_editor):
    zone = DeliveryZoneFactory(name="城区", fee_fen=800)
    before = _zones()
    county_client.force_login(zone_editor)

    response = county_client.post(f"{ADMIN}edit/{zone.pk}/", _form(fee_fen="0"))

    assert response.status_code == 200
    assert str(MSG_OPERATOR_ONLY) in response.content.decode()
    assert _zones() == before


# ------------------------------------------------------------------------------
# Counties are apart
# ------------------------------------------------------------------------------
def test_a_zone_of_county_a_is_invisible_in_county_b(operator, other_county, other_county_client):
    zone = delivery_zone_create(actor=operator, name="递铺城区", fee_fen=800)
    assert other_county_client.login(username="operator", password=OPERATOR_PASSWORD)

    with tenant_context(other_county):
        assert not DeliveryZone.objects.filter(name="递铺城区").exists()
        assert list(delivery_zones_active()) == []
    listed = other_county_client.get(ADMIN)
    opened = other_county_client.get(f"{ADMIN}edit/{zone.pk}/")

    assert listed.status_code == 200
    assert "递铺城区" not in listed.content.decode()
    assert opened.status_code == 404
