"""The province console (issue 10, point 1; docs/adr/0019): the Django admin on the hub host,
titled for the province, listing only public-schema apps, its column names in Chinese."""

import pytest
from django.contrib.auth import get_user_model

from hub.admin_site import public_app_labels


@pytest.fixture
def staff_client(hub_client, in_public):
    staff = get_user_model().objects.create_superuser(
        username="province-zhao", password="province-pass-1", email=""
    )
    hub_client.force_login(staff)
    return hub_client


def test_the_home_lists_only_apps_of_the_public_schema(staff_client):
    html = staff_client.get("/admin/").content.decode()

    assert "Not available" not in html
    for dead in ("Wagtail", "标签"):  # county-only apps: images, documents, taggit
        assert dead not in html
    assert "/admin/hub/county/" in html
    assert "/admin/hub/saleunit/" in html
    assert "丰收" in html and "省平台" in html
    assert "Django" not in html


def test_public_app_labels_are_the_shared_apps():
    labels = public_app_labels()
    assert {"hub", "accounts", "auth", "admin", "sandbox_bank"} <= labels
    assert not {"wagtailimages", "wagtaildocs", "taggit", "farmers", "orders"} & labels


@pytest.mark.parametrize(
    "url", ["/admin/wagtailimages/image/", "/admin/wagtaildocs/document/", "/admin/taggit/tag/"]
)
def test_the_screens_of_county_only_apps_are_not_there(staff_client, url):
    # Their tables exist only in county schemas: a 404 here, never an error.
    assert staff_client.get(url).status_code == 404


def test_the_county_pages_name_every_column_in_chinese(staff_client, county):
    listing = staff_client.get("/admin/hub/county/").content.decode()
    change = staff_client.get(f"/admin/hub/county/{county.pk}/change/").content.decode()

    for english in (
        "CREATED AT",
        "Created at",
        "Schema name",
        "schema name",
        "Domain",
        "Is primary",
    ):
        assert english not in listing + change
    assert "创建时间" in listing
    assert "数据库模式" in change
    assert "主域名" in change


def test_the_console_speaks_english_to_english_readers(staff_client):
    html = staff_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Province" in html


def test_third_party_apps_are_named_in_chinese(staff_client):
    html = staff_client.get("/admin/").content.decode()

    assert "双重验证" in html and "动态码设备" in html
    assert "TOTP devices" not in html
    assert ">otp_totp<" not in html.lower()
