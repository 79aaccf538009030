"""The province's vocabularies (issue 10, point 3): units of sale and certification kinds are
public rows the province edits, and a change reaches every county at once, with no migration."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django_tenants.utils import schema_context, tenant_context

from core.errors import ApplicationError
from farmers.forms.seller import CertificationForm, ListingForm
from farmers.models import ListingCertification
from farmers.services import listing_certification_add
from hub import vocabulary
from hub.models import CertificationKind, SaleUnit
from tests.county_sites.conftest import live
from tests.factories.farmers import ListingFactory
from tests.fixtures.counties import OPERATOR_PASSWORD


@pytest.fixture
def staff(in_public):
    return get_user_model().objects.create_superuser(
        username="province-li", password="province-pass-1", email=""
    )


@pytest.fixture
def jar(in_public):
    with schema_context("public"):
        return SaleUnit.objects.create(code="jar", name="罐", name_en="jar", sort_order=5)


def test_the_seeded_vocabularies(in_public):
    assert list(SaleUnit.objects.values_list("code", "name", "name_en"))[:3] == [
        ("jin", "斤", "jin (500 g)"),
        ("kg", "公斤", "kg"),
        ("box", "箱", "box"),
    ]
    assert SaleUnit.objects.count() == 11
    assert list(CertificationKind.objects.values_list("code", "number_required")) == [
        ("green_food", True),
        ("organic", True),
        ("geo_indication", True),
    ]


def test_a_new_unit_reaches_every_county_at_once(jar, county, other_county, seller):
    with tenant_context(county):
        listing = ListingFactory(seller=seller, unit="jar")
        listing.full_clean()  # the county field accepts the province's new code
        assert listing.get_unit_display() == "罐"
        assert ("jar", "罐") in ListingForm.base_fields["unit"].choices
    with tenant_context(other_county):
        assert vocabulary.unit_label("jar") == "罐"


def test_a_renamed_unit_shows_its_new_name_in_both_languages(jar, county, seller, county_client):
    with schema_context("public"):
        SaleUnit.objects.filter(code="jar").update(name="坛", name_en="crock")
        vocabulary.vocabulary_forget()  # update() sends no signal; the admin's save does
    with tenant_context(county):
        listing = live(seller, "桂花蜜", unit="jar", price_fen=2000)
    chinese = county_client.get(f"/p/{listing.pk}/").content.decode()
    english = county_client.get(f"/p/{listing.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "¥20.00/坛" in chinese
    assert "¥20.00/crock" in english


def test_an_inactive_unit_is_no_longer_offered_but_still_names_old_rows(jar, county, seller):
    with tenant_context(county):
        listing = ListingFactory(seller=seller, unit="jar")
    with schema_context("public"):
        jar.is_active = False
        jar.save()
    with tenant_context(county):
        assert "jar" not in dict(ListingForm.base_fields["unit"].choices)
        listing.refresh_from_db()
        listing.full_clean()
        assert listing.get_unit_display() == "罐"


def test_an_unknown_unit_is_refused_by_the_county_field(county, seller):
    with tenant_context(county):
        listing = ListingFactory.build(seller=seller, unit="barrel")
        with pytest.raises(ValidationError) as refused:
            listing.full_clean()
    assert list(refused.value.message_dict) == ["unit"]


def test_a_certification_kind_without_numbers(county, draft_listing, seller):
    with schema_context("public"):
        CertificationKind.objects.create(
            code="local_brand", name="县域公用品牌", number_required=False
        )
    with tenant_context(county):
        assert ("local_brand", "县域公用品牌") in CertificationForm.base_fields["kind"].choices
        made = listing_certification_add(
            actor=seller.user, listing=draft_listing, kind="local_brand", certificate_number=""
        )
        assert made.get_kind_display() == "县域公用品牌"
        before = ListingCertification.objects.count()
        with pytest.raises(ApplicationError, match="必须填写证书编号"):
            listing_certification_add(
                actor=seller.user, listing=draft_listing, kind="organic", certificate_number=""
            )
        assert ListingCertification.objects.count() == before


def test_vocabulary_changes_need_no_migration(jar, in_public):
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_province_admin_adds_a_unit_and_never_changes_its_code(hub_client, staff):
    hub_client.force_login(staff)
    response = hub_client.post(
        "/admin/hub/saleunit/add/",
        {"code": "jar", "name": "罐", "name_en": "jar", "sort_order": "5", "is_active": "on"},
    )
    assert response.status_code == 302
    unit = SaleUnit.objects.get(code="jar")
    assert vocabulary.unit_label("jar") == "罐"  # this process forgot its terms on save

    hub_client.post(
        f"/admin/hub/saleunit/{unit.pk}/change/",
        {"code": "pot", "name": "坛", "name_en": "crock", "sort_order": "5", "is_active": "on"},
    )
    unit.refresh_from_db()
    assert (unit.code, unit.name) == ("jar", "坛")
    assert vocabulary.unit_label("jar") == "坛"
    assert (
        hub_client.post(f"/admin/hub/saleunit/{unit.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert SaleUnit.objects.filter(pk=unit.pk).exists()


def test_a_county_operator_cannot_reach_the_vocabularies(hub_client, county, operator_client):
    hub_client.post("/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD})
    assert hub_client.get("/admin/hub/saleunit/").status_code == 302
    # And the county's own admin has no such screen.
    assert operator_client.get("/admin/hub/saleunit/").status_code == 404


def test_the_import_accepts_a_new_unit_by_its_name(jar, county):
    from farmers.imports.parse import _choice

    with tenant_context(county):
        assert _choice("unit", "罐", vocabulary.active_unit_choices) == "jar"
        with pytest.raises(ValueError, match="罐"):
            _choice("unit", "缸", vocabulary.active_unit_choices)
