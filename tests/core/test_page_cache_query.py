"""core.page_cache.page_cache_query: which part of a query string makes a page-cache key."""

from django.http import QueryDict

from core.page_cache import as_int, as_search_text, page_cache_params, page_cache_query

PARAMS = page_cache_params(("sort", ("page", as_int), ("q", as_search_text)))


def _query(text: str):
    return page_cache_query(QueryDict(text), PARAMS)


def test_names_are_sorted_and_empty_values_dropped():
    assert _query("sort=price&page=2").canonical == "page=2&sort=price"
    assert _query("page=2&sort=price").canonical == "page=2&sort=price"
    assert _query("sort=&page=2&q=").canonical == "page=2"
    assert _query("").canonical == ""


def test_values_are_canonical_as_the_view_reads_them():
    assert _query("page=002").canonical == "page=2"
    assert _query("q=+bai++cha+").canonical == "q=bai+cha"
    assert _query("q=+++").canonical == ""


def test_a_value_without_a_canonical_form_or_given_twice_is_not_cacheable():
    assert _query("page=-1").canonical is None
    assert _query("page=x").canonical is None
    assert _query("sort=a&sort=b").canonical is None


def test_unknown_names_are_reported_and_left_out_of_the_key():
    query = _query("x=1&sort=price&utm_source=wx")

    assert query.unknown == frozenset({"x", "utm_source"})
    assert query.canonical == "sort=price"
