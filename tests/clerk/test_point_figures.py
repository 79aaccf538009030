"""The operator's list of service points shows each point's day at a glance: orders on the
way, parcels waiting and parcels waiting past the county's hold, counted in a constant number
of queries and only in the operator's own county."""

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from county_sites.clerk.selectors import PointFigures, points_figures_today
from county_sites.orders.models import OrderEvent
from county_sites.orders.services import order_arrive, order_prepare
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.orders import place

NOW = timezone.make_aware(dt.datetime(2026, 12, 8, 10, 0))


def _arrived(order, *, operator, at):
    """Send a pickup order to its point and say it arrived at `at`."""
    order_prepare(order=order, actor=operator)
    order_arrive(order=order, actor=operator)
    OrderEvent.objects.filter(order=order, to_state="at_service_point").update(at=at)


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _day(*, operator, buyer, tea, point, other_point, now=NOW):
    """At `point`: one parcel 7 whole days old (past a 7-day hold: it came late in the evening),
    one 6 days old (it came at midnight the day after), one on the way; at `other_point`: one
    parcel that arrived this morning."""
    today = timezone.localdate(now)
    _arrived(
        place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup"),
        operator=operator,
        at=_local(today - dt.timedelta(days=7), 23, 30),
    )
    _arrived(
        place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup"),
        operator=operator,
        at=_local(today - dt.timedelta(days=6), 0),
    )
    order_prepare(order=place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup"),
                  actor=operator)  # fmt: skip
    _arrived(
        place(buyer, [(tea, 1)], point=other_point, payment="cash_on_pickup"),
        operator=operator,
        at=_local(today, 0, 5),
    )


def test_figures_count_each_points_parcels_and_those_past_the_hold(
    county_operator, buyer, tea, point
):
    other_point = ServicePointFactory(name="梅溪服务点")
    _day(operator=county_operator, buyer=buyer, tea=tea, point=point, other_point=other_point)

    figures = points_figures_today(hold_days=7, now=NOW)

    assert figures == {
        point.pk: PointFigures(incoming=1, waiting=2, over_hold=1),
        other_point.pk: PointFigures(incoming=0, waiting=1, over_hold=0),
    }
    assert points_figures_today(hold_days=6, now=NOW)[point.pk].over_hold == 2


def test_figures_take_two_queries_whatever_the_number_of_orders(county_operator, buyer, tea, point):
    other_point = ServicePointFactory(name="梅溪服务点")
    _day(operator=county_operator, buyer=buyer, tea=tea, point=point, other_point=other_point)
    with CaptureQueriesContext(connection) as few:
        points_figures_today(hold_days=7, now=NOW)
    _day(operator=county_operator, buyer=buyer, tea=tea, point=point, other_point=other_point)
    with CaptureQueriesContext(connection) as more:
        assert points_figures_today(hold_days=7, now=NOW)[point.pk].waiting == 4

    assert len(few) == len(more) == 2


def _cells(html: str, name: str) -> list[str]:
    """The text of each cell of the list row that starts with `name`."""
    row = html[html.index(name) :].split("</tr>")[0]
    cells = row.split("<td")[1:]
    return [re.sub(r"<[^>]+>|\s+", " ", cell.split(">", 1)[1]).strip() for cell in cells]


def test_the_operators_point_list_shows_the_figures(
    operator_client, county_operator, buyer, tea, point
):
    other_point = ServicePointFactory(name="梅溪服务点")
    _day(
        operator=county_operator, buyer=buyer, tea=tea, point=point, other_point=other_point,
        now=timezone.now(),
    )  # fmt: skip

    page = operator_client.get("/admin/service_points/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "待取包裹" in html and "已超过保留期" in html
    # village, hours, clerks, on the way, waiting, past the hold (the default hold is 7 days)
    assert _cells(html, point.name)[:6] == [
        point.village, point.opening_hours, "—", "1", "2", "1"
    ]  # fmt: skip
    assert _cells(html, other_point.name)[3:6] == ["0", "1", "0"]


def test_another_county_sees_none_of_these_figures(
    county_operator, buyer, tea, point, other_county
):
    other_point = ServicePointFactory(name="梅溪服务点")
    _day(operator=county_operator, buyer=buyer, tea=tea, point=point, other_point=other_point)

    with tenant_context(other_county):
        assert points_figures_today(hold_days=7, now=NOW) == {}
