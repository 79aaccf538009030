"""Service points are written only through service_points.services: by a county operator in
the county Wagtail admin; refusals change nothing."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django_tenants.utils import tenant_context

from core.errors import ApplicationError
from service_points.models import ServicePoint
from service_points.selectors import service_point_list_open
from service_points.services import (
    MSG_OPERATOR_ONLY,
    MSG_UNKNOWN_FIELDS,
    service_point_create,
    service_point_update,
)
from tests.factories.orders import ResidentFactory
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.counties import OPERATOR_PASSWORD

ADMIN = "/admin/service_points/"


def _points() -> list[dict]:
    """Every service point row of the current county, to assert a refusal changed nothing."""
    return list(ServicePoint.objects.order_by("pk").values())


def _form(**overrides) -> dict:
    """The admin add/edit form as a browser posts it."""
    return {
        "name": "递铺村服务点",
        "village": "递铺村",
        "address": "递铺街道1号",
        "latitude": "30.638000",
        "longitude": "119.680000",
        "opening_hours": "每天 8:00-20:00",
        "phone": "0572-5551234",
        "is_active": "on",
        **overrides,
    }


@pytest.fixture
def resident(in_county):
    """An ordinary resident of the county: no admin, not an operator."""
    return ResidentFactory(username="resident-wang", mobile="13700000099")


@pytest.fixture
def point_editor(in_county):
    """An admin account given the service point permissions one by one, outside the county
    operator group: Wagtail lets it open the forms, the service still refuses it."""
    user = ResidentFactory(username="editor-li", mobile="13700000098")
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="service_points",
            codename__in=["view_servicepoint", "add_servicepoint", "change_servicepoint"],
        ),
    )
    return user


# ------------------------------------------------------------------------------
# The services
# ------------------------------------------------------------------------------
def test_an_operator_creates_a_point_with_its_text_stripped(operator):
    point = service_point_create(
        actor=operator,
        name=" 递铺村服务点 ",
        village="递铺村 ",
        address=" 递铺街道1号",
        latitude=Decimal("30.638"),
        longitude=Decimal("119.68"),
        opening_hours=" 每天 8:00-20:00 ",
        phone=" 0572-5551234 ",
    )

    row = ServicePoint.objects.values().get(pk=point.pk)
    assert {name: value for name, value in row.items() if name not in ("id", "created_at")} == {
        "name": "递铺村服务点",
        "village": "递铺村",
        "address": "递铺街道1号",
        "latitude": Decimal("30.638000"),
        "longitude": Decimal("119.680000"),
        "opening_hours": "每天 8:00-20:00",
        "phone": "0572-5551234",
        "commission_rate": None,
        "is_active": True,
    }


def test_no_actor_is_refused(in_county):
    with pytest.raises(ApplicationError) as refused:
        service_point_create(actor=None, name="余村服务点", village="余村", address="余村1号")

    assert str(refused.value.message) == str(MSG_OPERATOR_ONLY)
    assert ServicePoint.objects.count() == 0


def test_an_operator_updates_only_the_fields_given(operator):
    point = ServicePointFactory(name="递铺村服务点", phone="0572-5551234")

    updated = service_point_update(
        actor=operator, point=point, address=" 递铺街道2号 ", opening_hours="每天 7:00-21:00"
    )

    point.refresh_from_db()
    assert updated == point
    assert (point.name, point.address, point.opening_hours, point.phone) == (
        "递铺村服务点",
        "递铺街道2号",
        "每天 7:00-21:00",
        "0572-5551234",
    )


def test_a_resident_cannot_create_a_point(resident):
    with pytest.raises(ApplicationError) as refused:
        service_point_create(actor=resident, name="假服务点", village="递铺村", address="1号")

    assert refused.value.message == MSG_OPERATOR_ONLY
    assert not ServicePoint.objects.exists()


def test_a_resident_cannot_update_a_point(resident):
    point = ServicePointFactory(name="递铺村服务点")
    before = _points()

    with pytest.raises(ApplicationError) as refused:
        service_point_update(actor=resident, point=point, is_active=False)

    assert refused.value.message == MSG_OPERATOR_ONLY
    assert _points() == before


def test_a_latitude_beyond_90_is_refused_with_the_fields_message(operator):
    with pytest.raises(ApplicationError) as refused:
        service_point_create(
            actor=operator,
            name="递铺村服务点",
            village="递铺村",
            address="递铺街道1号",
            latitude=Decimal("95"),
            longitude=Decimal("119.68"),
        )

    assert (refused.value.field, str(refused.value.message)) == (
        "latitude",
        "确保该值小于或等于90。",
    )
    assert not ServicePoint.objects.exists()


def test_an_update_to_a_latitude_beyond_90_changes_nothing(operator):
    point = ServicePointFactory(name="递铺村服务点", latitude=Decimal("30.638"))
    before = _points()

    with pytest.raises(ApplicationError) as refused:
        service_point_update(actor=operator, point=point, name="新名字", latitude=Decimal("95"))

    assert (refused.value.field, str(refused.value.message)) == (
        "latitude",
        "确保该值小于或等于90。",
    )
    assert _points() == before


def test_an_unknown_field_is_refused(operator):
    point = ServicePointFactory(name="递铺村服务点")
    before = _points()

    with pytest.raises(ApplicationError) as refused:
        service_point_update(actor=operator, point=point, name="新名字", created_at=None)

    assert refused.value.message == MSG_UNKNOWN_FIELDS % {"fields": "created_at"}
    assert _points() == before


def test_a_deactivated_point_is_no_longer_offered_for_pickup(operator):
    open_point = ServicePointFactory(name="递铺村服务点")
    closing = ServicePointFactory(name="余村服务点")
    assert list(service_point_list_open()) == [closing, open_point]

    service_point_update(actor=operator, point=closing, is_active=False)

    assert list(service_point_list_open()) == [open_point]
    assert ServicePoint.objects.filter(pk=closing.pk, is_active=False).exists()


# ------------------------------------------------------------------------------
# The Wagtail admin (服务点)
# ------------------------------------------------------------------------------
def test_the_admin_add_form_creates_the_point_through_the_service(operator_client, in_county):
    response = operator_client.post(f"{ADMIN}new/", _form())

    assert response.status_code == 302
    point = ServicePoint.objects.get()
    assert (point.name, point.village, point.latitude, point.is_active) == (
        "递铺村服务点",
        "递铺村",
        Decimal("30.638000"),
        True,
    )


def test_the_admin_edit_form_updates_and_deactivates_through_the_service(
    operator_client, in_county
):
    point = ServicePointFactory(name="递铺村服务点")
    form = _form(name="递铺村服务点（新）", address="递铺街道8号")
    del form["is_active"]  # the box unticked

    response = operator_client.post(f"{ADMIN}edit/{point.pk}/", form)

    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.name, point.address, point.is_active) == (
        "递铺村服务点（新）",
        "递铺街道8号",
        False,
    )
    assert point not in service_point_list_open()


def test_the_admin_add_form_shows_the_services_refusal(county_client, point_editor):
    county_client.force_login(point_editor)

    response = county_client.post(f"{ADMIN}new/", _form())

    assert response.status_code == 200
    assert str(MSG_OPERATOR_ONLY) in response.content.decode()
    assert not ServicePoint.objects.exists()


def test_the_admin_edit_form_shows_the_services_refusal(county_client, point_editor):
    point = ServicePointFactory(name="递铺村服务点")
    before = _points()
    county_client.force_login(point_editor)

    response = county_client.post(f"{ADMIN}edit/{point.pk}/", _form(name="改名"))

    assert response.status_code == 200
    assert str(MSG_OPERATOR_ONLY) in response.content.decode()
    assert _points() == before


# ------------------------------------------------------------------------------
# Counties are apart
# ------------------------------------------------------------------------------
def test_a_point_of_county_a_is_invisible_in_county_b(operator, other_county, other_county_client):
    point = service_point_create(
        actor=operator, name="递铺村服务点", village="递铺村", address="递铺街道1号"
    )
    assert other_county_client.login(username="operator", password=OPERATOR_PASSWORD)

    with tenant_context(other_county):
        assert not ServicePoint.objects.filter(name="递铺村服务点").exists()
        assert list(service_point_list_open()) == []
    listed = other_county_client.get(ADMIN)
    opened = other_county_client.get(f"{ADMIN}edit/{point.pk}/")

    assert listed.status_code == 200
    assert "递铺村服务点" not in listed.content.decode()
    assert opened.status_code == 404
