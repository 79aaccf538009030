"""Editing a county's names, contact and domains, and giving or taking its operator role,
from the province admin and through hub.services.counties."""

import pytest
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context

from accounts.models import User
from core.errors import ApplicationError
from core.roles import COUNTY_OPERATORS_GROUP
from hub.models import County, CountyDomain
from hub.selectors import county_operators
from hub.services.counties import county_operator_assign, county_operator_remove, county_update


@pytest.fixture
def staff_client(hub_client, in_public):
    staff = User.objects.create(username="province-1", is_staff=True, is_superuser=True)
    hub_client.force_login(staff)
    return hub_client


def _operators(county):
    return [operator["username"] for operator in county_operators(county)]


def _county_row(county):
    return County.objects.values("name", "name_en", "contact_name", "contact_phone").get(
        pk=county.pk
    )


def test_county_update_changes_names_and_contact(in_public, county):
    # A fresh row: `county` is the session's object, shared with later tests.
    county_update(
        county=County.objects.get(pk=county.pk),
        name=" 安吉县（新） ",
        name_en="Anji",
        contact_name="李科长",
        contact_phone="0572-5123456",
    )

    assert _county_row(county) == {
        "name": "安吉县（新）",
        "name_en": "Anji",
        "contact_name": "李科长",
        "contact_phone": "0572-5123456",
    }


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"name": " "}, "name", "县名不能为空"),
        ({"contact_phone": "abc"}, "contact_phone", "格式不对"),
    ],
)
def test_county_update_refuses_bad_input_and_changes_nothing(
    in_public, county, changes, field, fragment
):
    before = _county_row(county)
    arguments = {"name": "安吉县", "name_en": "", "contact_name": "", "contact_phone": ""}

    with pytest.raises(ApplicationError) as raised:
        county_update(county=County.objects.get(pk=county.pk), **{**arguments, **changes})

    assert raised.value.field == field
    assert fragment in str(raised.value)
    assert _county_row(county) == before


def test_the_change_form_saves_through_the_service_and_shows_refusals(staff_client, county):
    url = f"/admin/hub/county/{county.pk}/change/"
    domain = county.domains.get()
    data = {
        "name": "安吉县",
        "name_en": "Anji County",
        "contact_name": "李科长",
        "contact_phone": "bad phone",
        "domains-TOTAL_FORMS": "1",
        "domains-INITIAL_FORMS": "1",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
        "domains-0-id": str(domain.pk),
        "domains-0-tenant": str(county.pk),
        "domains-0-domain": domain.domain,
        "domains-0-is_primary": "on",
    }
    before = _county_row(county)

    refused = staff_client.post(url, data)
    assert refused.status_code == 200
    assert "联系电话 “bad phone” 格式不对" in refused.content.decode()
    assert _county_row(county) == before

    saved = staff_client.post(url, {**data, "contact_phone": "0572-5123456"})
    assert saved.status_code == 302
    assert _county_row(county)["contact_phone"] == "0572-5123456"


def test_the_change_form_refuses_a_bad_domain_and_a_county_without_a_primary(staff_client, county):
    url = f"/admin/hub/county/{county.pk}/change/"
    domain = county.domains.get()
    data = {
        "name": "安吉县",
        "name_en": "Anji County",
        "contact_name": "",
        "contact_phone": "",
        "domains-TOTAL_FORMS": "2",
        "domains-INITIAL_FORMS": "1",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
        "domains-0-id": str(domain.pk),
        "domains-0-tenant": str(county.pk),
        "domains-0-domain": domain.domain,
        "domains-0-is_primary": "on",
        "domains-1-tenant": str(county.pk),
        "domains-1-domain": "bad_host!",
    }

    bad = staff_client.post(url, data).content.decode()
    assert "“bad_host!” 不是有效的域名" in bad
    no_primary = staff_client.post(
        url, {**data, "domains-1-domain": "anji.example.cn", "domains-0-is_primary": ""}
    ).content.decode()
    assert "每个县必须有且只有一个主域名。" in no_primary
    assert list(CountyDomain.objects.filter(tenant=county).values_list("domain", flat=True)) == [
        "anji.localhost"
    ]

    added = staff_client.post(url, {**data, "domains-1-domain": "Anji.Example.cn"})
    assert added.status_code == 302
    assert sorted(county.domains.values_list("domain", flat=True)) == [
        "anji.example.cn",
        "anji.localhost",
    ]


def test_assign_by_mobile_makes_a_new_county_user_an_operator(in_public, county, other_county):
    assigned = county_operator_assign(county=county, who="138 0000 1234")

    assert assigned.username == "13800001234"
    assert len(assigned.password) >= 12
    assert _operators(county) == ["13800001234", "operator"]
    with tenant_context(county):
        user = User.objects.get(mobile="13800001234")
        assert user.check_password(assigned.password)
        assert user.has_perm("wagtailadmin.access_admin")
    # Another county and the hub know nothing of it.
    assert _operators(other_county) == ["operator"]
    with tenant_context(other_county):
        assert not User.objects.filter(mobile="13800001234").exists()
    assert not User.objects.filter(username="13800001234").exists()


def test_assign_by_username_keeps_an_existing_password(in_public, county):
    with tenant_context(county):
        user = User.objects.create(username="clerk-li")
        user.set_password("own-pass-123")
        user.save()

    assigned = county_operator_assign(county=county, who="clerk-li")

    assert (assigned.username, assigned.password) == ("clerk-li", "")
    with tenant_context(county):
        assert User.objects.get(username="clerk-li").check_password("own-pass-123")


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("nobody", "安吉县 没有用户名为 “nobody” 的用户：请填写手机号码或已有的用户名。"),
        ("operator", "operator 已经是 安吉县 的运营人员。"),
        ("  ", "请填写手机号码或用户名。"),
    ],
)
def test_assign_refuses_and_changes_nothing(in_public, county, who, message):
    with tenant_context(county):
        users_before = User.objects.count()

    with pytest.raises(ApplicationError) as raised:
        county_operator_assign(county=county, who=who)

    assert str(raised.value) == message
    assert _operators(county) == ["operator"]
    with tenant_context(county):
        assert User.objects.count() == users_before


def test_remove_takes_the_role_but_not_the_last_operator(in_public, county):
    county_operator_assign(county=county, who="13800001234")
    with tenant_context(county):
        new_id = User.objects.get(username="13800001234").pk
        old_id = User.objects.get(username="operator").pk

    assert county_operator_remove(county=county, user_id=new_id) == "13800001234"
    assert _operators(county) == ["operator"]
    with tenant_context(county):
        assert User.objects.filter(pk=new_id, is_active=True).exists()

    with pytest.raises(ApplicationError) as raised:
        county_operator_remove(county=county, user_id=old_id)
    assert str(raised.value) == "安吉县 至少要保留一名运营人员，请先添加另一名再移除 operator。"
    assert _operators(county) == ["operator"]
    with tenant_context(county):
        assert Group.objects.get(name=COUNTY_OPERATORS_GROUP).user_set.count() == 1


def test_the_operators_page_assigns_and_removes(staff_client, county):
    url = f"/admin/hub/county/{county.pk}/operators/"

    refused = staff_client.post(url, {"who": "nobody"})
    assert refused.status_code == 400
    assert "没有用户名为 “nobody” 的用户" in refused.content.decode()

    response = staff_client.post(url, {"who": "13800001234"}, follow=True)
    page = response.content.decode()
    assert "13800001234 已成为 安吉县 的运营人员。" in page
    assert "初始密码" in page
    assert _operators(county) == ["13800001234", "operator"]

    with tenant_context(county):
        new_id = User.objects.get(username="13800001234").pk
    remove = f"/admin/hub/county/{county.pk}/operators/{new_id}/remove/"
    assert (
        "取消 13800001234 在 安吉县 的运营人员身份吗？" in staff_client.get(remove).content.decode()
    )
    assert _operators(county) == ["13800001234", "operator"]
    staff_client.post(remove)
    assert _operators(county) == ["operator"]


def test_a_public_user_who_is_not_staff_cannot_change_operators(hub_client, in_public, county):
    hub_client.force_login(User.objects.create(username="resident-1"))

    response = hub_client.post(f"/admin/hub/county/{county.pk}/operators/", {"who": "13800001234"})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert _operators(county) == ["operator"]
