"""With DEBUG off, branded 404 and 500 pages on county and hub hosts, in Chinese and English
(issue 12). The 500 page needs no request context and no database."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from tests.fixtures.counties import host_of

HUB = "localhost"


def _get(host, path, language):
    client = Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False)
    return client.get(path)


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("zh-hans", ["丰收", "没有找到。", "返回首页", '<html lang="zh-hans">']),
        ("en", ["Fengshou", "Not found.", "Back to the home page", '<html lang="en">']),
    ],
)
def test_a_county_404_is_the_branded_page_with_the_county(county, in_county, language, texts):
    response = _get(host_of(county), "/no-such-page/", language)

    html = response.content.decode()
    assert response.status_code == 404
    for text in texts:
        assert text in html
    assert county.name in html
    assert "Not Found</h1>" not in html  # Django's bare default


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "没有找到。"), ("en", "Not found.")])
def test_a_hub_404_is_the_branded_page(db, language, text):
    response = _get(HUB, "/no-such-page/", language)

    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("zh-hans", ["丰收", "系统繁忙，请稍后重试。", '<html lang="zh-hans">']),
        ("en", ["Fengshou", "The system is busy; please try again later.", '<html lang="en">']),
    ],
)
def test_a_server_error_on_a_county_host_is_the_branded_500(
    county, in_county, settings, language, texts
):
    settings.ROOT_URLCONF = "tests.security.urls_boom_county"

    response = _get(host_of(county), "/boom/", language)

    html = response.content.decode()
    assert response.status_code == 500
    for text in texts:
        assert text in html
    assert "a bug, for the 500 page" not in html


def test_a_server_error_on_the_hub_is_the_branded_500(db, settings):
    settings.PUBLIC_SCHEMA_URLCONF = "tests.security.urls_boom_public"

    response = _get(HUB, "/boom/", "en")

    assert response.status_code == 500
    assert "The system is busy; please try again later." in response.content.decode()


def test_the_500_page_renders_without_a_request_context_or_the_database():
    """No `db` fixture: any query would raise (pytest-django blocks the database)."""
    request = RequestFactory().get("/")

    with translation.override("en"):
        response = server_error(request)

    assert response.status_code == 500
    assert "The system is busy; please try again later." in response.content.decode()
