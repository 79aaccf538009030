"""The API's page of a list, as django-ninja pagination: `?page=` (from 1), 20 items a page
(as on the storefront's category pages), answered as

    {"count": all items, "page": this page, "pages": how many (at least 1),
     "page_size": 20, "results": [...]}

Past the last page is an empty page, not an error. A route declares `response=list[Item]`
and is decorated with `@paginate(PagePagination)`; its view returns the queryset.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from county_sites.api.schemas.common import DB_INT_MAX

PAGE_SIZE = 20


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=DB_INT_MAX)


class PagePagination(PaginationBase):
    Input = PageQuery

    class Output(Schema):
        count: int
        page: int
        pages: int
        page_size: int
        results: list[Any]

    items_attribute = "results"

    def __init__(self, *, page_size: int = PAGE_SIZE, **kwargs: Any) -> None:
        self.page_size = page_size
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict:
        count = self._items_count(queryset)
        start = (pagination.page - 1) * self.page_size
        return {
            "count": count,
            "page": pagination.page,
            "pages": max(1, -(-count // self.page_size)),
            "page_size": self.page_size,
            "results": queryset[start : start + self.page_size] if start < count else [],
        }
