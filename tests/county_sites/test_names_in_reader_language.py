"""County and category names are data with an English twin (name_en): English readers get it
on every storefront page, Chinese readers the Chinese name, and a missing twin falls back."""

import pytest
from django.utils import translation

from hub.models import Category, in_reader_language
from tests.county_sites.conftest import live


@pytest.mark.parametrize(
    ("language", "name_en", "expected"),
    [("en", "Tea", "Tea"), ("zh-hans", "Tea", "茶叶"), ("en", "", "茶叶")],
)
def test_in_reader_language(language, name_en, expected):
    with translation.override(language):
        assert in_reader_language("茶叶", name_en) == expected


def test_category_page_in_english(in_county, seller, tea, county_client):
    live(seller, "安吉白茶", category=tea)

    html = county_client.get("/c/tea/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<title>Tea · Anji County</title>" in html
    assert "<h1>Tea</h1>" in html
    assert '<a class="home" href="/">Anji County</a>' in html


def test_category_page_in_chinese(in_county, seller, tea, county_client):
    live(seller, "安吉白茶", category=tea)

    html = county_client.get("/c/tea/").content.decode()

    assert "<title>茶叶 · 安吉县</title>" in html
    assert "<h1>茶叶</h1>" in html


def test_a_category_without_an_english_name_keeps_its_chinese_one(
    in_county, seller, tea, county_client
):
    Category.objects.filter(pk=tea.pk).update(name_en="")
    listing = live(seller, "安吉白茶", category=tea)

    html = county_client.get(f"/p/{listing.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '>茶叶</a> › <span aria-current="page">' in html
