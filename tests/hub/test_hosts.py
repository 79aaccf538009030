"""Which site a host name reaches: the hub, a county, a suspended county, or nothing."""

from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context, tenant_context

from hub.models import County, CountyDomain
from hub.services import county_reactivate, county_suspend
from tests.fixtures.counties import OPERATOR_PASSWORD, SchemaKeepingClient


def test_hub_portal_lists_active_counties_with_links(hub_client):
    response = hub_client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="http://anji.localhost/"' in html
    assert 'href="http://chunan.localhost/"' in html
    assert "安吉县" in html and "淳安县" in html
    assert "模板" not in html  # the template schema is never listed


def test_hub_portal_hides_suspended_counties(hub_client, county):
    with schema_context("public"):
        county_suspend(county=county)

    html = hub_client.get("/").content.decode()

    assert "anji.localhost" not in html
    assert "chunan.localhost" in html


def test_hub_serves_the_province_admin_login(hub_client):
    response = hub_client.get("/admin/login/")

    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_county_host_serves_its_wagtail_home_page(county_client):
    response = county_client.get("/")

    assert response.status_code == 200
    assert "欢迎来到安吉县丰收购" in response.content.decode()


def test_county_host_serves_the_wagtail_admin_login(county_client):
    response = county_client.get("/admin/login/")

    assert response.status_code == 200
    assert b"wagtail" in response.content.lower()


def test_unknown_host_is_404_not_the_hub(db):
    client = SchemaKeepingClient(HTTP_HOST="nowhere.localhost")

    response = client.get("/")

    assert response.status_code == 404
    assert "找不到该网站" in response.content.decode()
    assert "选择您所在的县" not in response.content.decode()


def test_template_schema_is_not_reachable_by_any_host(db):
    client = SchemaKeepingClient(HTTP_HOST="template.localhost")

    assert client.get("/").status_code == 404


def test_suspended_county_answers_503_and_reactivation_restores_it(
    county_client, other_county_client, county
):
    with schema_context("public"):
        county_suspend(county=county)

    suspended = county_client.get("/")
    admin = county_client.get("/admin/login/")

    assert suspended.status_code == 503
    assert "安吉县商城暂停服务" in suspended.content.decode()
    assert suspended["Retry-After"] == "3600"
    assert admin.status_code == 503
    assert other_county_client.get("/").status_code == 200

    with schema_context("public"):
        county_reactivate(county=County.objects.get(pk=county.pk))

    assert county_client.get("/").status_code == 200


def test_suspended_page_speaks_english_when_asked(county_client, county):
    with schema_context("public"):
        county_suspend(county=county)

    response = county_client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Content-Language"] == "en"


def test_an_extra_domain_serves_the_same_county(db, county):
    with schema_context("public"):
        CountyDomain.objects.create(domain="anji.example.test", tenant=county, is_primary=False)
    client = SchemaKeepingClient(HTTP_HOST="anji.example.test")

    assert "安吉县" in client.get("/").content.decode()


def test_a_county_user_cannot_log_in_to_another_county(
    county_client, other_county_client, county, other_county
):
    with tenant_context(county):
        get_user_model().objects.create_user(username="villager-a", password="pw-a-123456")

    assert county_client.login(username="villager-a", password="pw-a-123456")
    assert not other_county_client.login(username="villager-a", password="pw-a-123456")
    with tenant_context(other_county):
        assert not get_user_model().objects.filter(username="villager-a").exists()


def test_an_operator_logs_in_to_their_county_admin_only(county_client, other_county_client):
    credentials = {"username": "operator", "password": OPERATOR_PASSWORD}
    # Same username in both counties, but each county has its own operator and password.
    with tenant_context(other_county_client.county):
        other = get_user_model().objects.get(username="operator")
        other.set_password("pw-other-county-9")
        other.save()

    own = county_client.post("/admin/login/", credentials)
    foreign = other_county_client.post("/admin/login/", credentials)

    assert own.status_code == 302
    assert county_client.get("/admin/").status_code == 200
    assert foreign.status_code == 200  # the form again, with an error
    assert other_county_client.get("/admin/").status_code == 302  # still sent to log in


def test_a_session_of_one_county_is_not_a_session_in_another(county_client, other_county):
    assert (
        county_client.post(
            "/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD}
        ).status_code
        == 302
    )
    stolen = SchemaKeepingClient(HTTP_HOST="chunan.localhost", county=other_county)
    stolen.cookies = county_client.cookies

    assert stolen.get("/admin/").status_code == 302
