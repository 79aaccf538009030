"""Reads of the province's commission policy (hub.models.CommissionRule): the rate in force
for a county, a category and a time, most specific scope first.

For a line of category C (parent P, when C is a second-level category) in county K:
  K + C, K + P, K, C, P, the province.
A county's override is the operator's decision about that county and beats the province-wide
category rates; a category override of the county beats both. A withdrawn override (rate
empty) is skipped, so the next scope applies. The service points' share: K, the province.

Counties call these while placing an order (their search_path includes public) and snapshot
the result on the order's lines: a later change of the policy never changes a placed order.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from hub.models import Category, CommissionRule, County

Kind = CommissionRule.Kind
# Only if the province row seeded by migration is missing (a bare test database).
POINT_SHARE_FALLBACK_BP = 300


def _latest_by_scope(*, kind: str, county, category_ids: Iterable[int], at) -> dict:
    """{(county_id, category_id): rate_bp or None} of the latest rule of each scope that
    could apply, as of `at`: one query (DISTINCT ON the scope)."""
    county_id = getattr(county, "pk", county)
    scope = Q(county__isnull=True)
    if county_id:
        scope |= Q(county_id=county_id)
    categories = Q(category__isnull=True)
    ids = [pk for pk in category_ids if pk]
    if ids:
        categories |= Q(category_id__in=ids)
    rules = (
        CommissionRule.objects.filter(scope, categories, kind=kind, effective_from__lte=at)
        .order_by("county_id", "category_id", "-effective_from", "-pk")
        .distinct("county_id", "category_id")
        .values_list("county_id", "category_id", "rate_bp")
    )
    return {(county_pk, category_pk): rate for county_pk, category_pk, rate in rules}


def _resolve(latest: dict, scopes: list[tuple]) -> int | None:
    for scope in scopes:
        rate = latest.get(scope)
        if rate is not None:
            return rate
    return None


def commission_bp_table(
    *,
    county: County | int | None,
    category_ids: Iterable[int | None],
    at: dt.datetime | None = None,
) -> dict[int | None, int]:
    """The platform commission (basis points) in force at `at` (now) in `county` for each of
    `category_ids`: {category_id: rate_bp}. Two queries whatever the number of categories."""
    at = at or timezone.now()
    wanted = set(category_ids)
    parents = dict(
        Category.objects.filter(pk__in=[pk for pk in wanted if pk]).values_list("pk", "parent_id")
    )
    all_ids = set(parents) | {parent for parent in parents.values() if parent}
    latest = _latest_by_scope(kind=Kind.PLATFORM, county=county, category_ids=all_ids, at=at)
    county_id = getattr(county, "pk", county)
    table = {}
    for category_id in wanted:
        own = [category_id] if category_id in parents else []
        if parents.get(category_id):
            own.append(parents[category_id])
        scopes = [(county_id, pk) for pk in own] if county_id else []
        if county_id:
            scopes.append((county_id, None))
        scopes += [(None, pk) for pk in own]
        scopes.append((None, None))
        rate = _resolve(latest, scopes)
        table[category_id] = settings.FENGSHOU_DEFAULT_COMMISSION_BP if rate is None else rate
    return table


def commission_bp_for(
    *, county: County | int | None, category: Category | int | None, at: dt.datetime | None = None
) -> int:
    """The platform commission (basis points) in force at `at` (now) on a line of `category`
    in `county` (None: the province's rate for the category)."""
    category_id = getattr(category, "pk", category)
    return commission_bp_table(county=county, category_ids=[category_id], at=at)[category_id]


def point_share_bp_for(*, county: County | int | None, at: dt.datetime | None = None) -> int:
    """The province's service-point share (basis points of the handed-over value) in force at
    `at` (now) in `county`. A county's own setting and a point's own rate win over it
    (service_points.selectors.point_commission_rate)."""
    at = at or timezone.now()
    latest = _latest_by_scope(kind=Kind.POINT_SHARE, county=county, category_ids=[], at=at)
    county_id = getattr(county, "pk", county)
    scopes = ([(county_id, None)] if county_id else []) + [(None, None)]
    rate = _resolve(latest, scopes)
    return POINT_SHARE_FALLBACK_BP if rate is None else rate
