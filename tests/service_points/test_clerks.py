"""Clerks, shelf positions, commission rates and the county's service-point settings: written
only through service_points.services by a county operator; refusals change nothing."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from wagtail.models import Site

from accounts.services import MOBILE_INVALID
from core.errors import ApplicationError
from service_points.models import Clerk, ServicePointSettings, ShelfPosition
from service_points.selectors import (
    clerk_list_for_point,
    clerk_point_for_user,
    point_commission_rate,
    service_point_settings_get,
)
from service_points.services import (
    MSG_CLERK_ALREADY_HERE,
    MSG_CLERK_ELSEWHERE,
    MSG_CLERK_IS_STAFF,
    MSG_CLERK_NOT_ACTIVE,
    MSG_OPERATOR_ONLY,
    MSG_POINT_CLOSED,
    MSG_SHELF_LABEL_TAKEN,
    clerk_add,
    clerk_deactivate,
    clerk_move,
    clerk_reactivate,
    service_point_update,
    shelf_position_create,
    shelf_position_update,
)
from tests.factories.orders import ResidentFactory
from tests.factories.service_points import ServicePointFactory

User = get_user_model()
ADMIN_CLERKS = "/admin/service_point_clerks/"


def _clerks() -> list[dict]:
    return list(Clerk.objects.order_by("pk").values())


def _users() -> list[dict]:
    return list(User.objects.order_by("pk").values("pk", "username", "mobile"))


@pytest.fixture
def resident(in_county):
    return ResidentFactory(username="resident-wang", mobile="13700000099")


@pytest.fixture
def point_q(in_county):
    return ServicePointFactory(name="梅溪服务点", village="梅溪村")


@pytest.fixture
def clerk(operator, point):
    return clerk_add(actor=operator, mobile="13700137555", name="王芳", point=point)


# ------------------------------------------------------------------------------
# Adding a clerk
# ------------------------------------------------------------------------------
def test_an_operator_adds_a_clerk_creating_the_county_user_once(operator, point):
    users_before = User.objects.count()

    clerk = clerk_add(actor=operator, mobile="137 0013 7555", name=" 王芳 ", point=point)

    assert User.objects.count() == users_before + 1
    assert (clerk.user.mobile, clerk.user.username, clerk.name) == (
        "13700137555",
        "13700137555",
        "王芳",
    )
    assert (clerk.point, clerk.is_active, clerk.added_by) == (point, True, operator)
    assert not clerk.user.has_usable_password()


def test_an_existing_user_is_found_by_mobile_not_duplicated(operator, point, buyer):
    users_before = _users()

    clerk = clerk_add(actor=operator, mobile="137-0000 0001", point=point)

    assert clerk.user == buyer
    assert _users() == users_before


def test_a_non_operator_cannot_add_a_clerk_and_nothing_is_made(resident, point):
    users_before = _users()

    with pytest.raises(ApplicationError) as refused:
        clerk_add(actor=resident, mobile="13700137555", point=point)

    assert refused.value.message == MSG_OPERATOR_ONLY
    assert (_clerks(), _users()) == ([], users_before)


@pytest.mark.parametrize("mobile", ["1370013755", "23700137555", "1①700137555", "١٣٧٠٠١٣٧٥٥٥"])
def test_a_mobile_that_is_not_11_ascii_digits_is_refused(operator, point, mobile):
    users_before = _users()

    with pytest.raises(ApplicationError) as refused:
        clerk_add(actor=operator, mobile=mobile, point=point)

    assert (refused.value.message, refused.value.field) == (MOBILE_INVALID, "mobile")
    assert (_clerks(), _users()) == ([], users_before)


def test_an_active_clerk_of_another_point_is_refused(operator, clerk, point_q):
    before = _clerks()

    with pytest.raises(ApplicationError) as refused:
        clerk_add(actor=operator, mobile="137 0013 7555", point=point_q)

    assert refused.value.message == MSG_CLERK_ELSEWHERE % {"point": "递铺服务点"}
    assert _clerks() == before


def test_an_active_clerk_of_this_point_is_refused(operator, clerk, point):
    before = _clerks()

    with pytest.raises(ApplicationError) as refused:
        clerk_add(actor=operator, mobile="13700137555", point=point)

    assert refused.value.message == MSG_CLERK_ALREADY_HERE
    assert _clerks() == before


def test_a_former_clerk_added_again_comes_back_on_the_same_row(operator, clerk, point_q):
    clerk_deactivate(actor=operator, clerk=clerk)

    again = clerk_add(actor=operator, mobile="13700137555", point=point_q)

    assert (again.pk, again.point, again.is_active, again.name) == (
        clerk.pk,
        point_q,
        True,
        "王芳",
    )
    assert Clerk.objects.count() == 1


def test_a_clerk_cannot_be_added_to_a_closed_point(operator, point):
    service_point_update(actor=operator, point=point, is_active=False)
    users_before = _users()

    with pytest.raises(ApplicationError) as refused:
        clerk_add(actor=operator, mobile="13700137555", point=point)

    assert refused.value.message == MSG_POINT_CLOSED % {"point": "递铺服务点"}
    assert (_clerks(), _users()) == ([], users_before)


def test_an_admin_account_cannot_be_a_clerk(operator, point):
    ResidentFactory(username="staff-zhao", mobile="13700000055", is_staff=True)
    users_before = _users()

    with pytest.raises(ApplicationError) as refused:
        clerk_add(actor=operator, mobile="13700000055", point=point)

    assert refused.value.message == MSG_CLERK_IS_STAFF
    assert (_clerks(), _users()) == ([], users_before)


# ------------------------------------------------------------------------------
# Moving, deactivating, reactivating
# ------------------------------------------------------------------------------
def test_an_operator_moves_a_clerk_to_another_point(operator, clerk, point_q):
    moved = clerk_move(actor=operator, clerk=clerk, point=point_q)

    assert moved.point == point_q
    assert clerk_point_for_user(user=clerk.user) == point_q


def test_a_non_operator_cannot_move_deactivate_or_reactivate(resident, clerk, point_q):
    before = _clerks()

    for call in (
        lambda: clerk_move(actor=resident, clerk=clerk, point=point_q),
        lambda: clerk_deactivate(actor=resident, clerk=clerk),
        lambda: clerk_reactivate(actor=resident, clerk=clerk),
    ):
        with pytest.raises(ApplicationError) as refused:
            call()
        assert refused.value.message == MSG_OPERATOR_ONLY

    assert _clerks() == before


def test_a_clerk_cannot_be_moved_to_a_closed_point(operator, clerk, point_q):
    service_point_update(actor=operator, point=point_q, is_active=False)
    before = _clerks()

    with pytest.raises(ApplicationError) as refused:
        clerk_move(actor=operator, clerk=clerk, point=point_q)

    assert refused.value.message == MSG_POINT_CLOSED % {"point": "梅溪服务点"}
    assert _clerks() == before


def test_a_deactivated_clerk_must_be_reactivated_before_a_move(operator, clerk, point_q):
    clerk_deactivate(actor=operator, clerk=clerk)
    before = _clerks()

    with pytest.raises(ApplicationError) as refused:
        clerk_move(actor=operator, clerk=clerk, point=point_q)

    assert refused.value.message == MSG_CLERK_NOT_ACTIVE
    assert _clerks() == before


def test_deactivating_takes_the_point_away_and_reactivating_gives_it_back(operator, clerk, point):
    clerk_deactivate(actor=operator, clerk=clerk)
    assert Clerk.objects.get().is_active is False
    assert clerk_point_for_user(user=clerk.user) is None

    clerk_reactivate(actor=operator, clerk=clerk)
    assert Clerk.objects.get().is_active is True
    assert clerk_point_for_user(user=clerk.user) == point


# ------------------------------------------------------------------------------
# Selectors
# ------------------------------------------------------------------------------
def test_a_clerk_of_a_closed_point_has_no_point(operator, clerk, point):
    service_point_update(actor=operator, point=point, is_active=False)

    assert clerk_point_for_user(user=clerk.user) is None


def test_anyone_but_a_clerk_has_no_point(resident, clerk):
    assert clerk_point_for_user(user=resident) is None
    assert clerk_point_for_user(user=AnonymousUser()) is None
    assert clerk_point_for_user(user=None) is None


def test_a_points_clerks_are_listed_active_first(operator, clerk, point, point_q):
    second = clerk_add(actor=operator, mobile="13700137556", name="李强", point=point)
    clerk_deactivate(actor=operator, clerk=clerk)
    clerk_add(actor=operator, mobile="13700137557", name="张三", point=point_q)

    assert list(clerk_list_for_point(point=point)) == [second, clerk]


# ------------------------------------------------------------------------------
# Commission rate and the county's settings
# ------------------------------------------------------------------------------
def test_a_point_without_a_rate_takes_the_county_default(point):
    assert service_point_settings_get().pk is None
    assert point_commission_rate(point=point) == Decimal("0.0300")


def test_a_saved_county_default_applies_and_a_point_override_wins(operator, point, point_q):
    ServicePointSettings.objects.create(
        site=Site.objects.get(is_default_site=True), commission_rate_default=Decimal("0.0450")
    )
    service_point_update(actor=operator, point=point_q, commission_rate=Decimal("0.0125"))
    point_q.refresh_from_db()

    assert point_commission_rate(point=point) == Decimal("0.0450")
    assert point_commission_rate(point=point_q) == Decimal("0.0125")


def test_a_point_rate_above_30_percent_is_refused_and_changes_nothing(operator, point):
    with pytest.raises(ApplicationError) as refused:
        service_point_update(actor=operator, point=point, commission_rate=Decimal("0.3001"))

    assert refused.value.field == "commission_rate"
    point.refresh_from_db()
    assert point.commission_rate is None


def test_the_settings_defaults(in_county):
    defaults = service_point_settings_get()

    assert (
        defaults.parcel_hold_days,
        defaults.commission_rate_default,
        defaults.confirmation_minutes,
        defaults.return_window_days,
    ) == (7, None, 15, 7)  # no county rate: the province's share applies


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("parcel_hold_days", 0),
        ("parcel_hold_days", 31),
        ("commission_rate_default", Decimal("-0.0001")),
        ("commission_rate_default", Decimal("0.3001")),
        ("commission_rate_default", Decimal("0.03001")),
        ("confirmation_minutes", 0),
        ("confirmation_minutes", 121),
        ("return_window_days", 31),
    ],
)
def test_settings_out_of_range_are_invalid(in_county, field, value):
    settings_row = ServicePointSettings(site=Site.objects.get(is_default_site=True))
    setattr(settings_row, field, value)

    with pytest.raises(ValidationError) as invalid:
        settings_row.full_clean()

    assert list(invalid.value.error_dict) == [field]


# ------------------------------------------------------------------------------
# Shelf positions
# ------------------------------------------------------------------------------
def test_shelf_labels_are_unique_per_point(operator, point, point_q):
    shelf_position_create(actor=operator, point=point, label=" A-1 ")
    shelf_position_create(actor=operator, point=point_q, label="A-1")

    with pytest.raises(ApplicationError) as refused:
        shelf_position_create(actor=operator, point=point, label="A-1")

    assert refused.value.message == MSG_SHELF_LABEL_TAKEN % {"label": "A-1"}
    assert ShelfPosition.objects.filter(point=point).count() == 1


def test_a_shelf_position_renamed_onto_another_label_is_refused(operator, point):
    shelf_position_create(actor=operator, point=point, label="A-1")
    second = shelf_position_create(actor=operator, point=point, label="A-2", sort_order=2)

    with pytest.raises(ApplicationError):
        shelf_position_update(actor=operator, position=second, label="A-1")
    retired = shelf_position_update(actor=operator, position=second, is_active=False)

    assert sorted(ShelfPosition.objects.values_list("label", "is_active")) == [
        ("A-1", True),
        ("A-2", False),
    ]
    assert retired.is_active is False


def test_a_non_operator_cannot_add_a_shelf_position(resident, point):
    with pytest.raises(ApplicationError) as refused:
        shelf_position_create(actor=resident, point=point, label="A-1")

    assert refused.value.message == MSG_OPERATOR_ONLY
    assert ShelfPosition.objects.count() == 0


# ------------------------------------------------------------------------------
# The admin
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "permission",
    [
        "service_points.view_clerk",
        "service_points.add_clerk",
        "service_points.change_clerk",
        "service_points.view_shelfposition",
        "service_points.add_shelfposition",
        "service_points.change_shelfposition",
        "service_points.change_servicepointsettings",
    ],
)
def test_a_county_operator_has_the_clerk_shelf_and_settings_permissions(operator, permission):
    assert operator.has_perm(permission)
    assert not operator.has_perm("service_points.delete_clerk")


def test_the_admin_adds_a_clerk_through_the_service(operator_client, point):
    response = operator_client.post(
        f"{ADMIN_CLERKS}new/", {"mobile": "137 0013 7555", "name": "王芳", "point": point.pk}
    )

    assert response.status_code == 302
    clerk = Clerk.objects.select_related("user").get()
    assert (clerk.user.mobile, clerk.name, clerk.point) == ("13700137555", "王芳", point)
    listed = operator_client.get(ADMIN_CLERKS).content.decode()
    assert "王芳" in listed and "13700137555" in listed


def test_the_admin_shows_the_services_refusal_on_the_mobile(operator_client, clerk, point_q):
    before = _clerks()

    response = operator_client.post(
        f"{ADMIN_CLERKS}new/", {"mobile": "13700137555", "name": "", "point": point_q.pk}
    )

    assert response.status_code == 200
    assert str(MSG_CLERK_ELSEWHERE % {"point": "递铺服务点"}) in response.content.decode()
    assert _clerks() == before


def test_the_admin_edit_moves_and_deactivates_a_clerk(operator_client, clerk, point_q):
    response = operator_client.post(f"{ADMIN_CLERKS}edit/{clerk.pk}/", {"point": point_q.pk})

    assert response.status_code == 302
    assert Clerk.objects.values_list("point", "is_active").get() == (point_q.pk, False)


def test_the_admin_lists_clerks_filtered_by_point(operator_client, operator, clerk, point_q):
    clerk_add(actor=operator, mobile="13700137556", name="李强", point=point_q)

    listed = operator_client.get(ADMIN_CLERKS, {"point": point_q.pk}).content.decode()

    assert "李强" in listed and "王芳" not in listed


def test_the_operator_opens_the_service_point_settings(operator_client):
    response = operator_client.get(
        "/admin/settings/service_points/servicepointsettings/", follow=True
    )

    assert response.status_code == 200
    assert "包裹保留天数" in response.content.decode()
