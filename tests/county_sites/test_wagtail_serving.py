"""Wagtail page serving with fewer queries (issue 13): view restrictions read in one query
(storefront.view_restrictions) still protect private pages, their children and aliases; the
worker's memory of the county's Site (storefront.site_cache) never serves old content."""

import pytest
from wagtail.models import PageViewRestriction, Site

from county_sites.storefront.models import CountyHomePage, StandardPage
from county_sites.storefront.site_cache import site_cache_clear
from county_sites.storefront.view_restrictions import page_view_restrictions
from hub.host_cache import host_cache_clear


@pytest.fixture
def home(in_county):
    return CountyHomePage.objects.get()


@pytest.fixture
def worker_memories(settings):
    settings.FENGSHOU_HOST_CACHE_SECONDS = 10
    host_cache_clear()
    site_cache_clear()
    yield
    host_cache_clear()
    site_cache_clear()


def _page(parent, slug: str) -> StandardPage:
    return parent.add_child(instance=StandardPage(title=slug, slug=slug, body=f"<p>{slug}正文</p>"))


def _password(page) -> PageViewRestriction:
    return PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret-1"
    )


def test_restrictions_of_the_page_and_its_ancestors_in_one_query(home, django_assert_num_queries):
    rules = _page(home, "rules")
    child = _page(rules, "child")
    other = _page(home, "other")
    restriction = _password(rules)

    with django_assert_num_queries(1):
        assert list(page_view_restrictions(child)) == [restriction]
    assert list(page_view_restrictions(rules)) == [restriction]
    assert list(page_view_restrictions(other)) == []
    assert list(page_view_restrictions(home)) == []


def test_an_alias_has_its_sources_restrictions(home):
    source = _page(home, "source")
    restriction = _password(source)
    alias = source.create_alias(update_slug="source-alias")

    assert list(page_view_restrictions(alias)) == [restriction]
    assert [r.pk for r in alias.get_view_restrictions()] == [restriction.pk]


def test_a_private_page_and_its_child_ask_for_the_password(home, county_client):
    rules = _page(home, "rules")
    child = _page(rules, "child")
    _password(rules)

    for page in (rules, child):
        response = county_client.get(page.url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "password" in html and f"{page.slug}正文" not in html
    assert "other正文" in county_client.get(_page(home, "other").url).content.decode()


def test_the_remembered_site_serves_fresh_content(home, county_client, worker_memories):
    assert county_client.get("/").status_code == 200  # the Site now remembered

    home.intro = "春茶已经上市"
    home.save_revision().publish()
    page = _page(home, "new-page")

    assert "春茶已经上市" in county_client.get("/").content.decode()
    assert "new-page正文" in county_client.get(page.url).content.decode()


def test_a_changed_site_is_forgotten_at_once(home, county_client, worker_memories):
    county_client.get("/")
    other_root = _page(home, "other-root")

    site = Site.objects.get()
    site.root_page = other_root
    site.save()

    assert "other-root正文" in county_client.get("/").content.decode()
