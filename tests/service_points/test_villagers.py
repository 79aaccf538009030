"""The villagers a point serves: a clerk links a user to their own point only, once."""

import pytest

from core.errors import ApplicationError
from service_points.models import PointVillager
from service_points.selectors import point_villager_find, point_villager_get
from service_points.services import MSG_NOT_A_CLERK, clerk_add, clerk_deactivate, point_villager_add
from tests.factories.service_points import ServicePointFactory


@pytest.fixture
def clerk(operator, point):
    return clerk_add(actor=operator, mobile="13700137555", name="王芳", point=point)


@pytest.fixture
def clerk_q(operator, in_county):
    point_q = ServicePointFactory(name="梅溪服务点", village="梅溪村")
    return clerk_add(actor=operator, mobile="13700137666", name="李强", point=point_q)


def test_a_clerk_links_a_villager_to_their_own_point_once(clerk, clerk_q, buyer, point):
    link, created = point_villager_add(clerk_user=clerk.user, user=buyer)
    again, created_again = point_villager_add(clerk_user=clerk.user, user=buyer)

    assert (created, created_again) == (True, False)
    assert again.pk == link.pk
    assert (link.point_id, link.user_id, link.added_by_id) == (point.pk, buyer.pk, clerk.user_id)
    assert point_villager_get(point=point, user_id=buyer.pk).pk == link.pk
    assert point_villager_find(point=point, mobile=buyer.mobile).pk == link.pk
    # The other point does not serve them.
    assert point_villager_get(point=clerk_q.point, user_id=buyer.pk) is None
    assert point_villager_find(point=clerk_q.point, mobile=buyer.mobile) is None


def test_only_an_active_clerk_links_and_a_refusal_writes_nothing(operator, clerk, buyer):
    clerk_deactivate(actor=operator, clerk=clerk)
    for actor in (clerk.user, operator, buyer):
        with pytest.raises(ApplicationError) as refused:
            point_villager_add(clerk_user=actor, user=buyer)
        assert refused.value.message == MSG_NOT_A_CLERK
    assert PointVillager.objects.count() == 0
