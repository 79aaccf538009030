"""What the county operator group may do with sellers, listings and service points."""

import pytest

from core.roles import is_county_operator
from farmers.permissions import can_moderate
from service_points.models import ServicePoint
from tests.fixtures.counties import OPERATOR_PASSWORD

OPERATOR_PERMISSIONS = [
    "farmers.view_seller",
    "farmers.add_seller",
    "farmers.change_seller",
    "farmers.view_listing",
    "farmers.change_listing",
    "farmers.moderate_listing",
    "service_points.view_servicepoint",
    "service_points.add_servicepoint",
    "service_points.change_servicepoint",
]


@pytest.mark.parametrize("permission", OPERATOR_PERMISSIONS)
def test_a_county_operator_has_the_farmers_permissions(operator, permission):
    assert operator.has_perm(permission)


@pytest.mark.parametrize(
    "permission", ["farmers.delete_listing", "farmers.delete_seller", "farmers.add_listing"]
)
def test_a_county_operator_never_deletes_sellers_or_listings(operator, permission):
    assert not operator.has_perm(permission)


def test_a_seller_is_neither_operator_nor_moderator(seller):
    assert not is_county_operator(seller.user)
    assert not can_moderate(seller.user)


def test_an_operator_adds_a_service_point_in_the_admin(county_client, in_county):
    county_client.post("/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD})

    response = county_client.post(
        "/admin/service_points/new/",
        {
            "name": "递铺村服务点",
            "village": "递铺村",
            "address": "递铺街道1号",
            "latitude": "30.638000",
            "longitude": "119.680000",
            "opening_hours": "每天 8:00-20:00",
            "phone": "0572-5551234",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    point = ServicePoint.objects.get()
    assert (point.name, str(point.latitude)) == ("递铺村服务点", "30.638000")
    assert "递铺村服务点" in county_client.get("/admin/service_points/").content.decode()
