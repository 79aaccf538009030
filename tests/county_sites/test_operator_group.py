"""Every county has the County operators group, cloned from the template, and it is enough to
curate the county's pages in the Wagtail admin."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_tenants.utils import schema_context
from wagtail.models import GroupPagePermission, Page

from core.roles import COUNTY_OPERATORS_GROUP, PAGE_CODENAMES
from county_sites.storefront.models import CountyHomePage
from tests.fixtures.counties import OPERATOR_PASSWORD


def test_template_and_every_county_have_the_operator_group(db, county, other_county):
    for schema in ("county_template", county.schema_name, other_county.schema_name):
        with schema_context(schema):
            group = Group.objects.get(name=COUNTY_OPERATORS_GROUP)
            granted = set(
                GroupPagePermission.objects.filter(
                    group=group, page=Page.get_first_root_node()
                ).values_list("permission__codename", flat=True)
            )
            assert granted == set(PAGE_CODENAMES), schema
            assert group.permissions.filter(codename="access_admin").exists(), schema


def test_operator_can_edit_and_publish_the_home_page(in_county, county_client):
    home = CountyHomePage.objects.get()
    assert (
        county_client.post(
            "/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD}
        ).status_code
        == 302
    )

    edit = county_client.get(f"/admin/pages/{home.pk}/edit/")
    publish = county_client.post(
        f"/admin/pages/{home.pk}/edit/",
        {
            "title": "安吉县",
            "slug": "home",
            "intro": "安吉白茶上市了",
            "action-publish": "publish",
        },
    )

    assert edit.status_code == 200
    assert publish.status_code == 302
    home.refresh_from_db()
    assert home.intro == "安吉白茶上市了"
    assert "安吉白茶上市了" in county_client.get("/").content.decode()


def test_a_user_outside_the_group_cannot_enter_the_admin(in_county, county_client):
    get_user_model().objects.create_user(username="resident", password="pw-resident-1")
    home = CountyHomePage.objects.get()
    county_client.post("/admin/login/", {"username": "resident", "password": "pw-resident-1"})

    response = county_client.post(
        f"/admin/pages/{home.pk}/edit/",
        {"title": "hacked", "slug": "home", "action-publish": "publish"},
    )

    assert response.status_code in (302, 403)
    home.refresh_from_db()
    assert home.title == "安吉县"
