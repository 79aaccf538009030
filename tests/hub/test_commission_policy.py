"""The province's commission policy (issue 10, point 3): resolution, history, who may change
it, and the province admin."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from core.errors import ApplicationError
from hub.models import Category, CommissionRule
from hub.selectors.policy import commission_bp_for, commission_bp_table, point_share_bp_for
from hub.services.policy import MSG_NO_BACKDATING, MSG_PROVINCE_ONLY, commission_rule_set
from tests.fixtures.counties import OPERATOR_PASSWORD

PLATFORM = CommissionRule.Kind.PLATFORM
POINT_SHARE = CommissionRule.Kind.POINT_SHARE


@pytest.fixture
def staff(in_public):
    return get_user_model().objects.create_superuser(
        username="province-wang", password="province-pass-1", email=""
    )


@pytest.fixture
def tea_category(in_public):
    return Category.objects.get(slug="tea")


@pytest.fixture
def white_tea(tea_category):
    return Category.objects.create(name="白茶", slug="white-tea", parent=tea_category)


def rules_snapshot():
    return list(CommissionRule.objects.order_by("pk").values())


def test_the_seeded_province_rates(in_public, county):
    assert commission_bp_for(county=None, category=None) == 500
    assert commission_bp_for(county=county, category=None) == 500
    assert point_share_bp_for(county=county) == 300


def test_most_specific_scope_first(staff, county, other_county, tea_category, white_tea):
    veg = Category.objects.get(slug="vegetables")
    commission_rule_set(kind=PLATFORM, category=tea_category, rate_bp=300, by=staff)
    assert commission_bp_for(county=county, category=tea_category) == 300
    assert commission_bp_for(county=county, category=white_tea) == 300  # the parent's
    assert commission_bp_for(county=county, category=veg) == 500

    commission_rule_set(kind=PLATFORM, county=county, rate_bp=400, by=staff)
    # The county's override beats the province's category rate, not a county+category one.
    assert commission_bp_for(county=county, category=tea_category) == 400
    assert commission_bp_for(county=county, category=veg) == 400
    commission_rule_set(kind=PLATFORM, county=county, category=tea_category, rate_bp=200, by=staff)
    assert commission_bp_for(county=county, category=tea_category) == 200
    assert commission_bp_for(county=county, category=white_tea) == 200
    commission_rule_set(kind=PLATFORM, category=white_tea, rate_bp=150, by=staff)
    assert commission_bp_for(county=county, category=white_tea) == 200  # K+P before C
    commission_rule_set(kind=PLATFORM, county=county, category=white_tea, rate_bp=100, by=staff)
    assert commission_bp_for(county=county, category=white_tea) == 100

    # Another county's overrides never apply here, nor here's there.
    assert commission_bp_for(county=other_county, category=tea_category) == 300
    assert commission_bp_for(county=other_county, category=white_tea) == 150
    assert commission_bp_for(county=other_county, category=veg) == 500
    assert commission_bp_table(
        county=county, category_ids=[None, veg.pk, tea_category.pk, white_tea.pk]
    ) == {None: 400, veg.pk: 400, tea_category.pk: 200, white_tea.pk: 100}


def test_a_withdrawn_override_falls_back_to_the_wider_scope(staff, county, tea_category):
    commission_rule_set(kind=PLATFORM, county=county, rate_bp=400, by=staff)
    commission_rule_set(kind=PLATFORM, county=county, rate_bp=None, by=staff, note="活动结束")

    assert commission_bp_for(county=county, category=tea_category) == 500


def test_the_rate_in_force_at_any_time_is_known(staff, county):
    now = timezone.now()
    soon = now + dt.timedelta(hours=1)
    later = now + dt.timedelta(days=1)
    commission_rule_set(kind=PLATFORM, rate_bp=600, by=staff, effective_from=soon)
    commission_rule_set(kind=PLATFORM, county=county, rate_bp=450, by=staff, effective_from=later)

    assert commission_bp_for(county=county, category=None, at=now) == 500
    assert commission_bp_for(county=county, category=None, at=soon) == 600
    assert commission_bp_for(county=county, category=None, at=later) == 450
    assert commission_bp_for(county=None, category=None, at=later) == 600
    first = CommissionRule.objects.filter(kind=PLATFORM, county=None, category=None)
    assert [(rule.rate_bp, rule.set_by) for rule in first] == [(600, staff), (500, None)]


def test_the_service_points_share_per_county(staff, county, other_county):
    commission_rule_set(kind=POINT_SHARE, rate_bp=350, by=staff)
    commission_rule_set(kind=POINT_SHARE, county=county, rate_bp=250, by=staff)

    assert point_share_bp_for(county=county) == 250
    assert point_share_bp_for(county=other_county) == 350


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"kind": PLATFORM, "rate_bp": 10_001}, "rate_bp"),
        ({"kind": POINT_SHARE, "rate_bp": 3_001}, "rate_bp"),
        ({"kind": PLATFORM, "rate_bp": None}, "rate_bp"),  # the province rate is never withdrawn
        ({"kind": POINT_SHARE, "rate_bp": 200, "category": "tea"}, "category"),
        ({"kind": "bonus", "rate_bp": 200}, "kind"),
    ],
)
def test_invalid_rules_are_refused_and_change_nothing(staff, options, field):
    before = rules_snapshot()
    if options.get("category"):
        options = {**options, "category": Category.objects.get(slug=options["category"])}

    with pytest.raises(ApplicationError) as refused:
        commission_rule_set(by=staff, **options)

    assert refused.value.field == field
    assert rules_snapshot() == before


def test_a_rule_cannot_start_in_the_past(staff):
    before = rules_snapshot()

    with pytest.raises(ApplicationError) as refused:
        commission_rule_set(
            kind=PLATFORM,
            rate_bp=100,
            by=staff,
            effective_from=timezone.now() - dt.timedelta(minutes=1),
        )

    assert refused.value.message == MSG_NO_BACKDATING
    assert rules_snapshot() == before


def test_a_county_operator_cannot_change_the_policy(county, county_operator_user):
    with schema_context("public"):
        before = rules_snapshot()
    with tenant_context(county), pytest.raises(ApplicationError) as refused:
        commission_rule_set(kind=PLATFORM, rate_bp=100, by=county_operator_user)
    assert refused.value.message == MSG_PROVINCE_ONLY
    with schema_context("public"):
        assert rules_snapshot() == before


def test_province_staff_without_the_permission_are_refused(in_public):
    clerk = get_user_model().objects.create_user(username="province-li", is_staff=True)
    before = rules_snapshot()

    with pytest.raises(ApplicationError) as refused:
        commission_rule_set(kind=PLATFORM, rate_bp=100, by=clerk)

    assert refused.value.message == MSG_PROVINCE_ONLY
    assert rules_snapshot() == before


@pytest.fixture
def county_operator_user(db, county):
    with tenant_context(county):
        return get_user_model().objects.get(username="operator")


def test_province_admin_adds_a_rule_in_percent_and_lists_it(hub_client, staff, county):
    hub_client.force_login(staff)

    response = hub_client.post(
        "/admin/hub/commissionrule/add/",
        {"kind": PLATFORM, "county": county.pk, "rate_percent": "4.5", "note": "扶持"},
    )

    assert response.status_code == 302
    rule = CommissionRule.objects.get(county=county)
    assert (rule.rate_bp, rule.set_by, rule.category) == (450, staff, None)
    listing = hub_client.get("/admin/hub/commissionrule/").content.decode()
    assert "4.50%" in listing and "5.00%" in listing
    # History rows are never edited nor deleted.
    edit = hub_client.post(
        f"/admin/hub/commissionrule/{rule.pk}/change/",
        {"kind": PLATFORM, "county": county.pk, "rate_percent": "1"},
    )
    assert edit.status_code == 403
    delete = hub_client.post(f"/admin/hub/commissionrule/{rule.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    rule.refresh_from_db()
    assert rule.rate_bp == 450


def test_province_admin_refuses_a_past_start(hub_client, staff):
    hub_client.force_login(staff)
    before = rules_snapshot()

    response = hub_client.post(
        "/admin/hub/commissionrule/add/",
        {
            "kind": PLATFORM,
            "rate_percent": "1",
            "effective_from_0": "2020-01-01",
            "effective_from_1": "00:00:00",
        },
    )

    assert response.status_code == 200
    assert str(MSG_NO_BACKDATING) in response.content.decode()
    assert rules_snapshot() == before


def test_a_county_operator_cannot_sign_in_to_the_province_admin(hub_client, county):
    response = hub_client.post(
        "/admin/login/?next=/admin/hub/commissionrule/add/",
        {"username": "operator", "password": OPERATOR_PASSWORD},
    )

    assert response.status_code == 200  # the form again: no such province user
    assert hub_client.get("/admin/hub/commissionrule/add/").status_code == 302
