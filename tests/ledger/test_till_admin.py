"""The operator's side of the tills and commissions (issue 9, point 11): the points list with
each till's expected cash and today's difference, the till closes and a point's commission
statement with its CSV; read-only, county operators only, their own county only."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from county_sites.ledger.till import till_close
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.counties import OPERATOR_PASSWORD
from tests.ledger.till_helpers import handed_over

CLOSES, COMMISSIONS = "/admin/ledger/till-closes/", "/admin/ledger/point-commissions/"


@pytest.fixture
def point(in_county):
    return ServicePointFactory(name="递铺服务点", commission_rate=Decimal("0.0350"))


@pytest.fixture
def day_at_two_points(operator, clerk, clerk_q, buyer, tea, shoots, point, point_q):
    """P took ¥141.00 and closed with ¥140.00 counted; Q took ¥128.00 and has not closed."""
    parcel = handed_over(operator=operator, clerk=clerk, buyer=buyer,
                         lines=[(tea, 1), (shoots, 2)], point=point, cash=True)  # fmt: skip
    handed_over(operator=operator, clerk=clerk_q, buyer=buyer, lines=[(tea, 1)], point=point_q,
                cash=True)  # fmt: skip
    till_close(actor=clerk.user, point=point, counted_fen=14_000)
    return parcel


def _cells(html: str, name: str) -> list[str]:
    row = html[html.index(name) :].split("</tr>")[0]
    return [
        re.sub(r"<[^>]+>|\s+", " ", cell.split(">", 1)[1]).strip() for cell in row.split("<td")[1:]
    ]


def test_the_points_list_shows_each_tills_cash_and_todays_difference(
    operator_client, day_at_two_points, operator, clerk, buyer, tea, point, point_q
):
    with CaptureQueriesContext(connection) as few:
        html = operator_client.get("/admin/service_points/").content.decode()
    handed_over(
        operator=operator, clerk=clerk, buyer=buyer, lines=[(tea, 1)], point=point, cash=True
    )
    with CaptureQueriesContext(connection) as more:
        operator_client.get("/admin/service_points/")

    assert "钱箱应有现金" in html and "今日盘点差额" in html
    # ..., clerks, on the way, waiting, past the hold, till expected, today's difference,
    # whether the point is open
    assert _cells(html, point.name)[2:9] == ["王芳", "0", "0", "0", "¥140.00", "-¥1.00", "营业中"]
    assert _cells(html, point_q.name)[2:9] == ["李强", "0", "0", "0", "¥128.00", "—", "营业中"]
    assert len(few) == len(more)


def test_the_till_closes_screen_lists_expected_counted_and_difference(
    operator_client, day_at_two_points, point, point_q
):
    response = operator_client.get(CLOSES)
    only_q = operator_client.get(CLOSES, {"point": point_q.pk}).content.decode()

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-expected="14100"' in html and 'data-counted="14000"' in html
    assert 'data-difference="-100"' in html and "王芳" in html
    assert "data-close=" not in only_q


def test_the_commissions_screen_shows_a_points_month_and_its_csv(
    operator_client, day_at_two_points, point
):
    month = f"{timezone.localdate():%Y-%m}"

    page = operator_client.get(COMMISSIONS, {"point": point.pk, "month": month})
    csv = operator_client.get(COMMISSIONS, {"point": point.pk, "month": month, "format": "csv"})
    bad = operator_client.get(COMMISSIONS, {"point": point.pk, "month": "12-2026"})

    assert page.status_code == 200
    assert day_at_two_points.number in page.content.decode()
    assert 'data-total="493"' in page.content.decode()
    assert (
        csv["Content-Disposition"] == f'attachment; filename="commissions-{point.pk}-{month}.csv"'
    )
    assert csv.content.decode("utf-8").split("\r\n")[1].startswith(day_at_two_points.number + ",")
    assert bad.status_code == 400


@pytest.mark.parametrize("path", [CLOSES, COMMISSIONS])
def test_a_clerk_does_not_get_the_operator_screens(county_client, day_at_two_points, clerk, path):
    county_client.force_login(clerk.user)

    response = county_client.get(path)

    assert response.status_code in (302, 404)
    assert day_at_two_points.number not in response.content.decode()


def test_another_countys_operator_sees_none_of_these_closes(
    day_at_two_points, other_county_client, point
):
    assert (
        other_county_client.post(
            "/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD}
        ).status_code
        == 302
    )

    html = other_county_client.get(CLOSES).content.decode()
    statement = other_county_client.get(COMMISSIONS, {"point": point.pk}).content.decode()

    assert "data-close=" not in html
    assert day_at_two_points.number not in statement
