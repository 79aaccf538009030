"""county_create and the create_county command: the happy path and every refusal."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import tenant_context
from wagtail.models import Page, Site

from accounts.models import User
from core.errors import ApplicationError
from core.roles import COUNTY_OPERATORS_GROUP
from county_sites.storefront.models import CountyHomePage
from hub.models import County, CountyDomain
from hub.services import county_create
from hub.validation import schema_exists


def _snapshot():
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'county_%%' ORDER BY 1")
        schemas = [row[0] for row in cursor.fetchall()]
    return (
        list(County.objects.order_by("pk").values_list("pk", "code", "slug", "status")),
        list(CountyDomain.objects.order_by("pk").values_list("pk", "domain")),
        schemas,
    )


def test_county_create_clones_template_with_domain_home_page_and_operator(in_public):
    messages = []

    created = county_create(
        code="330522",
        slug="changxing",
        name="长兴县",
        name_en="Changxing County",
        operator_password="pw-changxing-1",
        progress=messages.append,
    )

    county = County.objects.get(slug="changxing")
    assert created.county == county
    assert (county.code, county.name, county.name_en) == ("330522", "长兴县", "Changxing County")
    assert county.schema_name == "county_changxing"
    assert county.status == County.Status.ACTIVE
    assert schema_exists("county_changxing")
    assert list(county.domains.values_list("domain", "is_primary")) == [
        ("changxing.localhost", True)
    ]
    assert len(messages) >= 4
    with tenant_context(county):
        home = CountyHomePage.objects.get()
        assert home.title == "长兴县"
        assert home.live
        site = Site.objects.get()
        assert (site.hostname, site.root_page_id, site.site_name) == (
            "changxing.localhost",
            home.pk,
            "长兴县",
        )
        assert Page.objects.filter(depth=2).count() == 1
        operator = User.objects.get(username="operator")
        assert list(operator.groups.values_list("name", flat=True)) == [COUNTY_OPERATORS_GROUP]
        assert authenticate(username="operator", password="pw-changxing-1") == operator
        assert operator.has_perm("wagtailadmin.access_admin")
        assert not operator.is_superuser


def test_county_create_generates_a_password_when_none_given(in_public):
    created = county_create(code="330521", slug="deqing", name="德清县")

    assert len(created.operator_password) >= 12
    with tenant_context(created.county):
        assert authenticate(username="operator", password=created.operator_password)


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"code": "33052"}, "code", "6位数字"),
        ({"code": "3305231"}, "code", "6位数字"),
        ({"code": "33052a"}, "code", "6位数字"),
        ({"code": "990523"}, "code", "不是县级"),
        ({"code": "330500"}, "code", "不是县级"),
        ({"code": "330523"}, "code", "已被 安吉县 使用"),
        ({"slug": "anji"}, "slug", "已被 安吉县 使用"),
        ({"slug": "Bad_Slug"}, "slug", "不能用作域名"),
        ({"slug": "-lead"}, "slug", "不能用作域名"),
        ({"slug": "tail-"}, "slug", "不能用作域名"),
        ({"slug": "a" * 57}, "slug", "不能用作域名"),
        ({"slug": "has.dot"}, "slug", "不能用作域名"),
        ({"slug": "template"}, "slug", "保留字"),
        ({"name": "  "}, "name", "不能为空"),
    ],
)
def test_county_create_refuses_bad_input_and_creates_nothing(
    in_public, county, kwargs, field, fragment
):
    before = _snapshot()
    arguments = {"code": "330681", "slug": "zhuji", "name": "诸暨市", **kwargs}

    with pytest.raises(ApplicationError) as raised:
        county_create(**arguments)

    assert raised.value.field == field
    assert fragment in str(raised.value)
    assert _snapshot() == before


def test_county_create_refuses_a_domain_already_taken(in_public, county):
    CountyDomain.objects.create(domain="zhuji.localhost", tenant=county, is_primary=False)
    before = _snapshot()

    with pytest.raises(ApplicationError, match="域名 zhuji.localhost 已被使用"):
        county_create(code="330681", slug="zhuji", name="诸暨市")

    assert _snapshot() == before


def test_county_create_refuses_a_schema_name_that_would_clash(in_public, county):
    # "zhu-ji" would become county_zhu_ji; a schema of that name already exists.
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA county_zhu_ji")
    before = _snapshot()

    with pytest.raises(ApplicationError, match="county_zhu_ji 已存在"):
        county_create(code="330681", slug="zhu-ji", name="诸暨市")

    assert _snapshot() == before


def test_create_county_command_prints_progress_and_the_login(in_public, capsys):
    call_command(
        "create_county",
        "--code", "330681", "--slug", "zhuji", "--name", "诸暨市",
        "--name-en", "Zhuji", "--operator-password", "pw-zhuji-12",
    )  # fmt: skip

    out = capsys.readouterr().out
    assert "复制模板" in out
    assert "zhuji.localhost" in out
    assert "pw-zhuji-12" in out
    assert County.objects.filter(slug="zhuji", name="诸暨市").exists()


def test_create_county_command_refuses_with_one_line_and_changes_nothing(in_public, county):
    before = _snapshot()

    with pytest.raises(CommandError) as raised:
        call_command("create_county", "--code", "12345", "--slug", "x1", "--name", "某县")

    assert "\n" not in str(raised.value)
    assert "6位数字" in str(raised.value)
    assert _snapshot() == before
