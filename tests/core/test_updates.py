"""core.updates.model_update: the edit every service shares. Refusals change nothing."""

import pytest
from django.db import transaction

from core.errors import ApplicationError
from core.updates import MSG_UNKNOWN_FIELDS, model_update
from service_points.models import ServicePoint
from tests.factories.service_points import ServicePointFactory

FIELDS = ("name", "village", "phone", "is_active")


def _row(point) -> dict:
    return ServicePoint.objects.filter(pk=point.pk).values().get()


@pytest.fixture
def point(in_county):
    return ServicePointFactory(name="递铺村服务点", village="递铺村", phone="")


def test_changed_fields_are_saved_stripped_and_named(point):
    with transaction.atomic():
        saved, changed = model_update(
            instance=point, fields=FIELDS, data={"name": "  递铺服务点 ", "village": "递铺村"}
        )

    assert changed == ["name"]
    assert saved.name == "递铺服务点"
    assert _row(point)["name"] == "递铺服务点"
    assert _row(point)["village"] == "递铺村"


def test_nothing_differing_saves_nothing(point, django_assert_num_queries):
    before = _row(point)
    with transaction.atomic(), django_assert_num_queries(1):  # the locking SELECT only
        saved, changed = model_update(instance=point, fields=FIELDS, data={"name": "递铺村服务点"})

    assert changed == []
    assert _row(point) == before


def test_unknown_fields_are_refused_by_name_and_nothing_changes(point):
    before = _row(point)
    with pytest.raises(ApplicationError) as refused, transaction.atomic():
        model_update(
            instance=point, fields=FIELDS, data={"name": "新名字", "address": "x", "id": 9}
        )

    assert refused.value.message == MSG_UNKNOWN_FIELDS % {"fields": "address, id"}
    assert _row(point) == before


def test_check_sees_the_locked_row_and_its_refusal_changes_nothing(point):
    before = _row(point)
    seen = []

    def check(locked):
        seen.append(locked.name)
        raise ApplicationError("不可以")

    with pytest.raises(ApplicationError, match="不可以"), transaction.atomic():
        model_update(instance=point, fields=FIELDS, data={"name": "新名字"}, check=check)

    assert seen == ["递铺村服务点"]
    assert _row(point) == before


def test_validate_and_the_models_own_rules_refuse_before_saving(point):
    before = _row(point)

    def validate(locked, changed):
        assert changed == ["village"]
        raise ApplicationError("村名不对", field="village")

    with pytest.raises(ApplicationError) as refused, transaction.atomic():
        model_update(instance=point, fields=FIELDS, data={"village": "别村"}, validate=validate)
    assert refused.value.field == "village"

    with pytest.raises(ApplicationError) as refused, transaction.atomic():
        model_update(instance=point, fields=FIELDS, data={"name": ""})  # blank: full_clean
    assert refused.value.field == "name"
    assert _row(point) == before
