"""County operations in the province admin (hub host /admin/): the job form and its status
page, suspend and reactivate with a confirmation, the county list; who may not reach them."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import User
from hub.models import County, CountyCreation, CountyMonthFigure
from hub.services.creation import county_creation_run
from tests.fixtures.counties import OPERATOR_PASSWORD

FORM = {
    "code": "330681",
    "slug": "zhuji",
    "name": "诸暨市",
    "name_en": "Zhuji",
    "contact_name": "王主任",
    "contact_phone": "0575-87012345",
}


@pytest.fixture
def staff(in_public):
    return User.objects.create(username="province-1", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(hub_client, staff):
    hub_client.force_login(staff)
    return hub_client


@pytest.fixture
def no_queue(monkeypatch):
    sent = []
    monkeypatch.setattr(
        "hub.services.creation.task_queue",
        lambda name, *, args, schema_name: sent.append(args[0]),
    )
    return sent


def _schemas():
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name FROM information_schema.schemata ORDER BY 1")
        return [row[0] for row in cursor.fetchall()]


def test_the_add_button_leads_to_the_job_form(staff_client):
    response = staff_client.get("/admin/hub/county/add/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/hub/county/create/"
    page = staff_client.get("/admin/hub/county/create/").content.decode()
    assert 'name="contact_phone"' in page


def test_the_form_queues_a_job_and_the_status_page_follows_it_to_the_end(
    staff_client, staff, no_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/admin/hub/county/create/", FORM)

    creation = CountyCreation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/hub/county/creation/{creation.pk}/"
    assert no_queue == [creation.pk]
    assert not County.objects.filter(slug="zhuji").exists()

    queued = staff_client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in queued
    assert "排队中" in queued

    county_creation_run(creation_id=creation.pk)
    done = staff_client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in done
    assert "诸暨市 已创建，可以开始运营。" in done
    assert 'href="http://zhuji.localhost/"' in done
    assert 'href="http://zhuji.localhost/admin/"' in done
    creation.refresh_from_db()
    assert "初始密码" in done
    # Shown once: the second look no longer has it.
    again = staff_client.get(response["Location"]).content.decode()
    assert "初始密码" not in again
    assert creation.operator_password == ""


def test_a_failed_job_shows_why(staff_client, staff, no_queue, monkeypatch):
    from hub import services as hub_services

    staff_client.post("/admin/hub/county/create/", FORM)
    creation = CountyCreation.objects.get()
    monkeypatch.setattr(
        hub_services, "county_setup", lambda **kw: (_ for _ in ()).throw(OSError("x"))
    )
    county_creation_run(creation_id=creation.pk)

    page = staff_client.get(f"/admin/hub/county/creation/{creation.pk}/").content.decode()

    assert "创建 诸暨市 时出错（OSError），已撤销" in page
    assert 'http-equiv="refresh"' not in page
    assert "county_zhuji" not in _schemas()


def test_bad_input_is_refused_with_400_and_nothing_written(staff_client, county, no_queue):
    before = (County.objects.count(), CountyCreation.objects.count(), _schemas())

    response = staff_client.post("/admin/hub/county/create/", {**FORM, "slug": "anji"})

    assert response.status_code == 400
    assert "标识 “anji” 已被 安吉县 使用。" in response.content.decode()
    assert (County.objects.count(), CountyCreation.objects.count(), _schemas()) == before
    assert no_queue == []


def test_suspend_asks_first_then_suspends_and_reactivate_brings_it_back(staff_client, county):
    confirm = staff_client.get(f"/admin/hub/county/{county.pk}/suspend/")
    assert confirm.status_code == 200
    assert "确定暂停吗？" in confirm.content.decode()
    county.refresh_from_db()
    assert county.status == "active"

    response = staff_client.post(f"/admin/hub/county/{county.pk}/suspend/")
    assert response.status_code == 302
    county.refresh_from_db()
    assert county.status == "suspended"
    page = staff_client.get(response["Location"]).content.decode()
    assert "安吉县 已暂停。" in page
    assert f"/admin/hub/county/{county.pk}/reactivate/" in page

    staff_client.post(f"/admin/hub/county/{county.pk}/reactivate/")
    county.refresh_from_db()
    assert county.status == "active"


def test_the_county_list_shows_status_and_this_months_roll_up_in_yuan(
    staff_client, county, other_county
):
    from django.utils import timezone

    from hub.rollups import month_current, month_previous

    now = timezone.now()
    for month, users, orders, sales in (
        (month_current(), 12, 7, 123456),
        (month_previous(month_current()), 99, 98, 9_700),  # last month's: not shown
    ):
        for key, value in (("users_total", users), ("orders_placed", orders),
                           ("net_sales_fen", sales)):  # fmt: skip
            CountyMonthFigure.objects.create(
                county=county, month=month, key=key, value=value, computed_at=now
            )

    page = staff_client.get("/admin/hub/county/").content.decode()

    assert '<td class="field-stats_users">12</td>' in page
    assert '<td class="field-stats_orders">7</td>' in page
    assert '<td class="field-stats_sales">¥1234.56</td>' in page
    assert "¥97.00" not in page
    assert "本月网络零售额" in page
    assert "运营中" in page
    assert "淳安县" in page
    assert "county_template" not in page


def test_a_public_user_who_is_not_staff_cannot_reach_the_county_operations(
    hub_client, in_public, county
):
    user = User.objects.create(username="resident-1")
    hub_client.force_login(user)

    for url in ("/admin/hub/county/create/", f"/admin/hub/county/{county.pk}/suspend/"):
        response = hub_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    response = hub_client.post(f"/admin/hub/county/{county.pk}/suspend/")
    county.refresh_from_db()
    assert county.status == "active"
    assert CountyCreation.objects.count() == 0


def test_a_county_operator_cannot_reach_the_hub_admin(county_client, in_public, county):
    response = county_client.post(
        "/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD}
    )
    assert response.status_code == 302
    # The same browser, same cookie, on the hub host: the session lives in the county schema.
    county_client.defaults["HTTP_HOST"] = "localhost"

    for url in ("/admin/hub/county/create/", f"/admin/hub/county/{county.pk}/suspend/"):
        response = county_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    # And their name and password do not sign in at the hub.
    login = county_client.post(
        "/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD}
    )
    assert login.status_code == 200
    with tenant_context(county):
        assert User.objects.filter(username="operator").exists()


def test_the_bulk_suspend_asks_first_naming_the_counties(staff_client, county, other_county):
    chosen = {"action": "suspend", "_selected_action": [str(county.pk), str(other_county.pk)]}

    asked = staff_client.post("/admin/hub/county/", chosen)

    assert asked.status_code == 200
    page = asked.content.decode()
    assert "安吉县（330523）" in page
    assert "淳安县（330127）" in page
    assert County.objects.filter(status="suspended").count() == 0

    done = staff_client.post("/admin/hub/county/", {**chosen, "confirmed": "yes"})

    assert done.status_code == 302
    assert set(County.objects.filter(status="suspended").values_list("slug", flat=True)) == {
        "anji",
        "chunan",
    }
