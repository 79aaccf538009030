"""Hand-off into a county (hub.services.handoff): a province operator's signed, single-use,
one-minute link into a county's Wagtail admin, logged in the hub; and county users kept out of
the hub."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.core import signing
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from accounts.models import User
from core.errors import ApplicationError
from core.roles import COUNTY_OPERATORS_GROUP
from hub.models import CountyHandOff
from hub.services import county_suspend
from hub.services.handoff import (
    HANDOFF_SALT,
    MSG_COUNTY_SUSPENDED,
    MSG_NOT_PROVINCE_OPERATOR,
    MSG_TOKEN_EXPIRED,
    MSG_TOKEN_INVALID,
    MSG_TOKEN_USED,
    MSG_WRONG_COUNTY,
    HandOffRefusedError,
    county_handoff_redeem,
    county_handoff_start,
)
from tests.fixtures.counties import OPERATOR_PASSWORD, SchemaKeepingClient, host_of

PROVINCE_PASSWORD = "province-test-pass-1"


def _public_user(username: str, *, staff: bool, permitted: bool) -> User:
    with schema_context("public"):
        user = User.objects.create_user(
            username=username,
            password=PROVINCE_PASSWORD,
            is_staff=staff,
            first_name="省",
            last_name="运营",
        )
        if permitted:
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label="hub", codename="enter_county_admin")
            )
        return user


@pytest.fixture
def province_operator(db):
    user = _public_user("zhang", staff=True, permitted=True)
    with schema_context("public"):
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="hub", codename__in=["view_county", "change_county"]
            )
        )
    return user


def _county_users(county) -> list[tuple]:
    with tenant_context(county):
        return list(
            User.objects.order_by("pk").values_list(
                "username", "is_active", "password", "last_name"
            )
        )


def _handoffs() -> list[tuple]:
    with schema_context("public"):
        return list(
            CountyHandOff.objects.order_by("pk").values_list(
                "pk", "actor_id", "county_id", "used_at", "used_ip"
            )
        )


def _start(actor, county, **kwargs) -> str:
    with schema_context("public"):
        return urlsplit(county_handoff_start(actor=actor, county=county, **kwargs)).path


def _refused(response, status: int, message) -> None:
    assert response.status_code == status
    assert str(message) in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


# --- starting ---------------------------------------------------------------------------


def test_start_logs_who_which_county_when_and_returns_the_county_url(province_operator, county):
    before = timezone.now()

    with schema_context("public"):
        url = county_handoff_start(
            actor=province_operator, county=county, ip="10.0.0.7", scheme="http", port="8000"
        )
        handoff = CountyHandOff.objects.get()

    assert url.startswith("http://anji.localhost:8000/admin/handoff/")
    token = url.removeprefix("http://anji.localhost:8000/admin/handoff/").removesuffix("/")
    assert signing.loads(token, salt=HANDOFF_SALT) == {"h": handoff.pk, "n": handoff.nonce}
    assert (handoff.actor_id, handoff.actor_username, handoff.county_id) == (
        province_operator.pk,
        "zhang",
        county.pk,
    )
    assert before <= handoff.created_at <= timezone.now()
    assert (handoff.ip, handoff.used_at, handoff.used_ip) == ("10.0.0.7", None, None)
    assert len(handoff.nonce) == 32


def test_start_leaves_the_default_port_out_of_the_url(province_operator, county):
    with schema_context("public"):
        url = county_handoff_start(actor=province_operator, county=county, port="443")

    assert url.startswith("https://anji.localhost/admin/handoff/")


@pytest.mark.parametrize(
    ("staff", "permitted"),
    [(False, False), (False, True), (True, False)],
    ids=["public-user", "permission-but-not-staff", "staff-without-permission"],
)
def test_only_a_province_operator_can_start_a_handoff(db, county, staff, permitted):
    user = _public_user("li", staff=staff, permitted=permitted)

    with pytest.raises(ApplicationError) as refused, schema_context("public"):
        county_handoff_start(actor=user, county=county)

    assert refused.value.message == MSG_NOT_PROVINCE_OPERATOR
    assert _handoffs() == []


def test_an_inactive_province_operator_cannot_start_a_handoff(province_operator, county):
    with schema_context("public"):
        province_operator.is_active = False
        province_operator.save()

        with pytest.raises(ApplicationError) as refused:
            county_handoff_start(actor=province_operator, county=county)

    assert refused.value.message == MSG_NOT_PROVINCE_OPERATOR
    assert _handoffs() == []


def test_a_province_superuser_can_start_a_handoff(db, county):
    with schema_context("public"):
        boss = User.objects.create_superuser(username="boss", password=PROVINCE_PASSWORD)

    _start(boss, county)

    assert [row[1:3] for row in _handoffs()] == [(boss.pk, county.pk)]


def test_no_handoff_into_a_suspended_county(province_operator, county):
    with schema_context("public"):
        county_suspend(county=county)
        with pytest.raises(ApplicationError) as refused:
            county_handoff_start(actor=province_operator, county=county)

    assert refused.value.message == MSG_COUNTY_SUSPENDED
    assert _handoffs() == []


# --- using the link on the county's host ------------------------------------------------


def test_the_link_signs_in_a_county_operator_and_opens_the_wagtail_admin(
    province_operator, county, county_client
):
    users_before = _county_users(county)
    path = _start(province_operator, county)

    response = county_client.get(path)

    assert response.status_code == 303
    assert response["Location"] == "/admin/"
    assert "no-cache" in response["Cache-Control"]
    assert county_client.get("/admin/").status_code == 200
    with tenant_context(county):
        account = User.objects.get(username="province-zhang")
        assert not account.has_usable_password()
        assert (account.is_active, account.is_staff, account.is_superuser) == (True, False, False)
        assert account.last_name == "省 运营"
        assert list(account.groups.values_list("name", flat=True)) == [COUNTY_OPERATORS_GROUP]
        assert account.has_perm("wagtailadmin.access_admin")
    assert len(_county_users(county)) == len(users_before) + 1
    [(_pk, actor_id, county_id, used_at, used_ip)] = _handoffs()
    assert (actor_id, county_id, used_ip) == (province_operator.pk, county.pk, "127.0.0.1")
    assert used_at is not None


def test_the_link_is_single_use(province_operator, county, county_client):
    path = _start(province_operator, county)
    assert county_client.get(path).status_code == 303
    users_after_first, handoffs_after_first = _county_users(county), _handoffs()
    # Another browser (no session): the link itself is spent.
    replay = SchemaKeepingClient(HTTP_HOST=host_of(county), county=county)

    response = replay.get(path)

    _refused(response, 410, MSG_TOKEN_USED)
    assert _county_users(county) == users_after_first
    assert _handoffs() == handoffs_after_first


def test_a_second_handoff_reuses_the_county_account(province_operator, county, county_client):
    county_client.get(_start(province_operator, county))
    users_after_first = _county_users(county)

    assert county_client.get(_start(province_operator, county)).status_code == 303

    assert _county_users(county) == users_after_first
    assert [row[3] is not None for row in _handoffs()] == [True, True]


def test_a_password_set_on_the_county_account_is_wiped_by_the_next_handoff(
    province_operator, county, county_client
):
    county_client.get(_start(province_operator, county))
    with tenant_context(county):
        account = User.objects.get(username="province-zhang")
        account.set_password("set-by-someone")
        account.save()

    county_client.get(_start(province_operator, county))

    with tenant_context(county):
        assert not User.objects.get(username="province-zhang").has_usable_password()


def test_the_county_account_cannot_sign_in_with_a_password(
    province_operator, county, county_client
):
    county_client.get(_start(province_operator, county))
    county_client.logout()

    response = county_client.post("/admin/login/", {"username": "province-zhang", "password": ""})

    assert response.status_code == 200
    assert county_client.get("/admin/").status_code == 302


def test_an_expired_link_is_refused(province_operator, county, county_client):
    path = _start(province_operator, county, now=timezone.now() - timedelta(seconds=61))
    users_before = _county_users(county)

    response = county_client.get(path)

    _refused(response, 410, MSG_TOKEN_EXPIRED)
    assert _county_users(county) == users_before
    assert [row[3:] for row in _handoffs()] == [(None, None)]


def test_an_expired_signature_is_refused_whatever_the_row_says(
    province_operator, county, county_client, monkeypatch
):
    # The signature carries its own time: sign it as if two minutes ago.
    two_minutes_ago = signing.b62_encode(int(timezone.now().timestamp()) - 120)
    with monkeypatch.context() as patched:
        patched.setattr(signing.TimestampSigner, "timestamp", lambda self: two_minutes_ago)
        path = _start(province_operator, county)
    users_before = _county_users(county)

    response = county_client.get(path)

    _refused(response, 410, MSG_TOKEN_EXPIRED)
    assert _county_users(county) == users_before
    assert [row[3:] for row in _handoffs()] == [(None, None)]


def test_the_link_works_until_a_minute_has_passed(province_operator, county):
    with schema_context("public"):
        url = county_handoff_start(actor=province_operator, county=county)
        handoff = CountyHandOff.objects.get()
    token = urlsplit(url).path.split("/")[-2]

    with tenant_context(county):
        with pytest.raises(HandOffRefusedError) as refused:
            county_handoff_redeem(
                token=token, county=county, now=handoff.created_at + timedelta(seconds=61)
            )
        assert refused.value.message == MSG_TOKEN_EXPIRED
        user = county_handoff_redeem(
            token=token, county=county, now=handoff.created_at + timedelta(seconds=60)
        )

    assert user.username == "province-zhang"


def _tampered(token: str) -> str:
    # Change one character of the payload, keeping it in the signing alphabet.
    first = "A" if token[0] != "A" else "B"
    return first + token[1:]


def test_tampered_or_forged_links_are_refused(province_operator, county, county_client):
    path = _start(province_operator, county)
    with schema_context("public"):
        handoff = CountyHandOff.objects.get()
    token = path.split("/")[-2]
    forged = [
        _tampered(token),
        token[:-1] + ("a" if token[-1] != "a" else "b"),  # the signature itself
        "not-a-token",
        # Signed with our key but another salt (another feature's token), or a wrong nonce.
        signing.dumps({"h": handoff.pk, "n": handoff.nonce}, salt="accounts.other"),
        signing.dumps({"h": handoff.pk, "n": "0" * 32}, salt=HANDOFF_SALT),
        signing.dumps({"h": str(handoff.pk), "n": handoff.nonce}, salt=HANDOFF_SALT),
        signing.dumps([handoff.pk, handoff.nonce], salt=HANDOFF_SALT),
    ]
    users_before = _county_users(county)

    for bad in forged:
        _refused(county_client.get(f"/admin/handoff/{bad}/"), 400, MSG_TOKEN_INVALID)

    assert _county_users(county) == users_before
    assert [row[3:] for row in _handoffs()] == [(None, None)]
    # The genuine link still works after all that.
    assert county_client.get(path).status_code == 303


def test_a_link_for_one_county_is_refused_on_another_and_stays_usable(
    province_operator, county, other_county, county_client, other_county_client
):
    path = _start(province_operator, county)
    other_users_before = _county_users(other_county)

    response = other_county_client.get(path)

    _refused(response, 403, MSG_WRONG_COUNTY)
    assert _county_users(other_county) == other_users_before
    assert [row[3:] for row in _handoffs()] == [(None, None)]
    assert county_client.get(path).status_code == 303


def test_a_county_suspended_after_the_link_was_made_refuses_it(province_operator, county):
    with schema_context("public"):
        url = county_handoff_start(actor=province_operator, county=county)
        county_suspend(county=county)
    users_before = _county_users(county)

    # The host answers 503 before any view; the service refuses on its own too.
    with tenant_context(county), pytest.raises(HandOffRefusedError) as refused:
        county_handoff_redeem(token=urlsplit(url).path.split("/")[-2], county=county)

    assert (refused.value.message, refused.value.status) == (MSG_COUNTY_SUSPENDED, 403)
    assert _county_users(county) == users_before
    assert [row[3:] for row in _handoffs()] == [(None, None)]


def test_a_suspended_countys_host_answers_503_to_a_link(province_operator, county, county_client):
    path = _start(province_operator, county)
    with schema_context("public"):
        county_suspend(county=county)

    assert county_client.get(path).status_code == 503
    assert [row[3:] for row in _handoffs()] == [(None, None)]


def test_an_operator_who_lost_the_permission_cannot_use_a_link(
    province_operator, county, county_client
):
    path = _start(province_operator, county)
    with schema_context("public"):
        province_operator.user_permissions.clear()
    users_before = _county_users(county)

    _refused(county_client.get(path), 403, MSG_NOT_PROVINCE_OPERATOR)

    assert _county_users(county) == users_before
    assert [row[3:] for row in _handoffs()] == [(None, None)]


def test_the_handoff_url_signs_nobody_in_on_the_hub(province_operator, county, hub_client):
    path = _start(province_operator, county)

    response = hub_client.get(path)

    # The stock admin's catch-all: to its login page, like any unknown admin URL.
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in hub_client.session
    assert [row[3:] for row in _handoffs()] == [(None, None)]


def test_the_handoff_is_get_only(province_operator, county, county_client):
    path = _start(province_operator, county)

    assert county_client.post(path).status_code == 405
    assert [row[3:] for row in _handoffs()] == [(None, None)]


# --- the province admin ---------------------------------------------------------------


@pytest.fixture
def province_client(hub_client, province_operator):
    hub_client.force_login(province_operator)
    return hub_client


def test_the_county_list_has_a_handoff_button_per_active_county(
    province_client, county, other_county
):
    with schema_context("public"):
        county_suspend(county=other_county)

    html = province_client.get("/admin/hub/county/").content.decode()

    assert f'formaction="/admin/hub/county/{county.pk}/handoff/"' in html
    assert f'formaction="/admin/hub/county/{other_county.pk}/handoff/"' not in html
    assert html.count("进入县后台") == 1


def test_the_county_change_page_has_a_handoff_button(province_client, county):
    html = province_client.get(f"/admin/hub/county/{county.pk}/change/").content.decode()

    assert f'action="/admin/hub/county/{county.pk}/handoff/"' in html
    assert "进入县后台" in html


def test_the_button_starts_a_handoff_and_redirects_into_the_county(
    province_client, province_operator, county, county_client
):
    response = province_client.post(f"/admin/hub/county/{county.pk}/handoff/")

    assert response.status_code == 302
    assert response["Location"].startswith("http://anji.localhost/admin/handoff/")
    assert [row[1:4] for row in _handoffs()] == [(province_operator.pk, county.pk, None)]
    assert county_client.get(urlsplit(response["Location"]).path).status_code == 303
    assert county_client.get("/admin/").status_code == 200


def test_the_button_is_post_only(province_client, county):
    assert province_client.get(f"/admin/hub/county/{county.pk}/handoff/").status_code == 405
    assert _handoffs() == []


def test_staff_without_the_permission_see_no_button_and_cannot_hand_off(hub_client, county):
    clerk = _public_user("wang", staff=True, permitted=False)
    with schema_context("public"):
        clerk.user_permissions.add(
            Permission.objects.get(content_type__app_label="hub", codename="view_county")
        )
    hub_client.force_login(clerk)

    listing = hub_client.get("/admin/hub/county/").content.decode()
    response = hub_client.post(f"/admin/hub/county/{county.pk}/handoff/", follow=True)

    assert "进入县后台" not in listing
    assert response.redirect_chain == [("/admin/hub/county/", 302)]
    assert str(MSG_NOT_PROVINCE_OPERATOR) in response.content.decode()
    assert _handoffs() == []


def test_a_non_staff_public_user_is_sent_to_the_admin_login(hub_client, county):
    hub_client.force_login(_public_user("zhao", staff=False, permitted=True))

    response = hub_client.post(f"/admin/hub/county/{county.pk}/handoff/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert _handoffs() == []


def test_the_log_lists_every_handoff_read_only(province_client, province_operator, county):
    with schema_context("public"):
        province_operator.user_permissions.add(
            Permission.objects.get(content_type__app_label="hub", codename="view_countyhandoff")
        )
    _start(province_operator, county, ip="10.0.0.7")

    html = province_client.get("/admin/hub/countyhandoff/").content.decode()

    assert "zhang" in html and "安吉县" in html and "10.0.0.7" in html
    assert province_client.get("/admin/hub/countyhandoff/add/").status_code == 403


# --- county users never reach the hub admin ---------------------------------------------


def test_a_county_operators_password_fails_at_the_hub_admin(hub_client, county):
    response = hub_client.post(
        "/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD}
    )

    assert response.status_code == 200  # the login form again, with its error
    assert "_auth_user_id" not in hub_client.session
    assert hub_client.get("/admin/").status_code == 302


def test_a_county_session_cookie_gives_nothing_at_the_hub(operator_client, hub_client):
    assert operator_client.get("/admin/").status_code == 200
    cookie = operator_client.cookies["sessionid"].value
    hub_client.cookies["sessionid"] = cookie

    response = hub_client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert hub_client.get("/admin/hub/county/").status_code == 302


def test_a_handed_off_session_gives_nothing_at_the_hub(
    province_operator, county, county_client, hub_client
):
    county_client.get(_start(province_operator, county))
    hub_client.cookies["sessionid"] = county_client.cookies["sessionid"].value

    assert hub_client.get("/admin/").status_code == 302
