"""The till and commissions at the clerk's console: /clerk/till/ (expected cash, the day's
lines, the close with the counted cash, cash handed to the county), /clerk/commissions/ (the
month's statement, CSV) and the till's expected cash on the home. Only the point's own
clerk sees them; refusals answer 400 and book nothing."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from county_sites.ledger.models import LedgerEntry, TillClose
from county_sites.ledger.till import MSG_ALREADY_CLOSED, MSG_AMOUNT_INVALID
from county_sites.orders.services import order_arrive, order_prepare
from service_points.services import clerk_add
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.orders import place
from tests.ledger.till_helpers import handed_over, ledger_snapshot

HOME, TILL, COMMISSIONS = "/clerk/", "/clerk/till/", "/clerk/commissions/"
CLOSE, HANDOVER = "/clerk/till/close/", "/clerk/till/handover/"


@pytest.fixture
def point(in_county):
    return ServicePointFactory(name="递铺服务点", commission_rate=Decimal("0.0350"))


@pytest.fixture
def cash_parcel(operator, clerk, buyer, tea, shoots, point):
    """¥141.00 in cash, handed over at P."""
    return handed_over(operator=operator, clerk=clerk, buyer=buyer,
                       lines=[(tea, 1), (shoots, 2)], point=point, cash=True)  # fmt: skip


def _expected(html: str) -> int:
    return int(re.search(r'data-expected="(-?\d+)"', html)[1])


# ------------------------------------------------------------------------------
# The till page
# ------------------------------------------------------------------------------
def test_the_till_shows_todays_expected_cash_and_lines(clerk_client, cash_parcel):
    response = clerk_client.get(TILL)

    html = response.content.decode()
    assert response.status_code == 200
    assert _expected(html) == 14_100
    assert "¥141.00" in html and cash_parcel.number in html
    assert 'action="/clerk/till/close/"' in html and 'action="/clerk/till/handover/"' in html


def test_the_till_page_takes_the_same_queries_whatever_the_number_of_lines(
    clerk_client, cash_parcel, operator, clerk, buyer, tea, point
):
    with CaptureQueriesContext(connection) as few:
        clerk_client.get(TILL)
    for _ in range(3):
        handed_over(operator=operator, clerk=clerk, buyer=buyer, lines=[(tea, 1)], point=point,
                    cash=True)  # fmt: skip
    with CaptureQueriesContext(connection) as more:
        html = clerk_client.get(TILL).content.decode()

    assert _expected(html) == 14_100 + 3 * 12_800
    assert len(few) == len(more)


def test_the_home_shows_the_tills_expected_cash_in_constant_queries(
    clerk_client, cash_parcel, operator, clerk, buyer, tea, point
):
    def one_more_of_each():
        handed_over(operator=operator, clerk=clerk, buyer=buyer, lines=[(tea, 1)], point=point,
                    cash=True)  # fmt: skip
        waiting = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
        order_prepare(order=waiting, actor=operator)
        order_arrive(order=waiting, actor=operator)

    one_more_of_each()
    with CaptureQueriesContext(connection) as few:
        first = clerk_client.get(HOME).content.decode()
    one_more_of_each()
    one_more_of_each()
    with CaptureQueriesContext(connection) as more:
        second = clerk_client.get(HOME).content.decode()

    assert 'data-till-expected="26900"' in first and "¥269.00" in first
    assert 'data-till-expected="52500"' in second
    assert len(few) == len(more)


def test_closing_the_day_with_the_counted_cash_as_typed(clerk_client, cash_parcel, clerk, point):
    response = clerk_client.post(CLOSE, {"counted": "140.00"})

    assert response.status_code == 302
    assert response["Location"] == TILL
    close = TillClose.objects.get(service_point=point)
    assert close.closed_by_id == clerk.user.pk
    assert close.difference_entry.amount_fen == 14_000 - 14_100
    html = clerk_client.get(TILL).content.decode()
    assert _expected(html) == 14_000
    assert "应有 ¥141.00，实点 ¥140.00，差额 -¥1.00" in html
    assert 'action="/clerk/till/close/"' not in html


def test_a_counted_amount_with_thousands_commas_is_read(clerk_client, operator, clerk, point):
    response = clerk_client.post(CLOSE, {"counted": "1,234.5"})

    assert response.status_code == 302
    assert TillClose.objects.get(service_point=point).difference_entry.amount_fen == 123_450


@pytest.mark.parametrize("typed", ["", "abc", "12.345", "-3", "1,23"])
def test_an_unreadable_count_is_refused_with_400_and_nothing_saved(
    clerk_client, cash_parcel, typed
):
    before = ledger_snapshot()

    response = clerk_client.post(CLOSE, {"counted": typed})

    assert response.status_code == 400
    assert str(MSG_AMOUNT_INVALID) in response.content.decode()
    assert ledger_snapshot() == before


def test_closing_twice_is_refused_with_400_and_nothing_changes(clerk_client, cash_parcel, point):
    clerk_client.post(CLOSE, {"counted": "141"})
    before = ledger_snapshot()

    response = clerk_client.post(CLOSE, {"counted": "100"})

    assert response.status_code == 400
    day = timezone.localdate().isoformat()
    assert MSG_ALREADY_CLOSED % {"day": day} in response.content.decode()
    assert ledger_snapshot() == before


def test_recording_cash_handed_to_the_county(clerk_client, cash_parcel, clerk, point):
    response = clerk_client.post(
        HANDOVER, {"amount": "100.5", "handed_to": "县运营 张丽", "receipt_no": "R-7"}
    )

    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind="till_handover")
    assert (entry.amount_fen, entry.service_point_id, entry.recorded_by_id) == (
        10_050, point.pk, clerk.user.pk
    )  # fmt: skip
    assert entry.memo == "交给：县运营 张丽；收据号：R-7"
    assert _expected(clerk_client.get(TILL).content.decode()) == 14_100 - 10_050


def test_a_refused_handover_shows_the_reason_and_keeps_what_was_typed(clerk_client, cash_parcel):
    before = ledger_snapshot()

    response = clerk_client.post(HANDOVER, {"amount": "500", "handed_to": "张丽"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "钱箱里应有 ¥141.00，不能交出 ¥500.00。" in html
    assert 'value="张丽"' in html
    assert ledger_snapshot() == before


# ------------------------------------------------------------------------------
# Commissions
# ------------------------------------------------------------------------------
def test_the_clerk_sees_their_points_statement_and_csv(clerk_client, cash_parcel):
    month = f"{timezone.localdate():%Y-%m}"

    page = clerk_client.get(COMMISSIONS, {"month": month})
    csv = clerk_client.get(COMMISSIONS, {"month": month, "format": "csv"})

    html = page.content.decode()
    assert page.status_code == 200
    assert cash_parcel.number in html and 'data-total="493"' in html and "3.50%" in html
    assert csv.status_code == 200
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv["Content-Disposition"] == f'attachment; filename="commissions-{month}.csv"'
    lines = csv.content.decode("utf-8").split("\r\n")
    assert (
        lines[1]
        == f"{cash_parcel.number},{timezone.localdate().isoformat()},141.00,3.50%,4.93,待结算"
    )


def test_a_bad_month_is_400(clerk_client, in_county):
    response = clerk_client.get(COMMISSIONS, {"month": "2026-13"})

    assert response.status_code == 400
    assert "月份格式不对" in response.content.decode()


# ------------------------------------------------------------------------------
# Who sees what
# ------------------------------------------------------------------------------
def test_a_clerk_of_another_point_sees_only_their_own_till_and_commissions(
    county_client, cash_parcel, clerk_q, point
):
    county_client.force_login(clerk_q.user)
    month = f"{timezone.localdate():%Y-%m}"

    till = county_client.get(TILL).content.decode()
    statement = county_client.get(COMMISSIONS, {"month": month}).content.decode()
    csv = county_client.get(COMMISSIONS, {"month": month, "format": "csv"}).content.decode()
    home = county_client.get(HOME).content.decode()

    assert _expected(till) == 0 and cash_parcel.number not in till
    assert cash_parcel.number not in statement and 'data-total="0"' in statement
    assert cash_parcel.number not in csv
    assert 'data-till-expected="0"' in home
    # Closing "their" till closes point Q's, never P's.
    county_client.post(CLOSE, {"counted": "0"})
    assert not TillClose.objects.filter(service_point=point).exists()


@pytest.mark.parametrize("path", [TILL, COMMISSIONS])
def test_a_non_clerk_gets_403(county_client, buyer, path):
    county_client.force_login(buyer)

    assert county_client.get(path).status_code == 403


@pytest.mark.parametrize("path", [CLOSE, HANDOVER])
def test_a_non_clerk_cannot_post_to_the_till(county_client, buyer, cash_parcel, path):
    county_client.force_login(buyer)
    before = ledger_snapshot()

    response = county_client.post(path, {"counted": "1", "amount": "1", "handed_to": "x"})

    assert response.status_code == 403
    assert ledger_snapshot() == before


def test_anonymous_is_sent_to_the_login(county_client, in_county):
    response = county_client.get(TILL)

    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/clerk/till/"


def test_another_county_shows_nothing_of_this_till(
    clerk_client, cash_parcel, other_county, other_county_client
):
    other_county_client.cookies = clerk_client.cookies
    assert other_county_client.get(TILL).status_code == 302  # no session there

    with tenant_context(other_county):
        b_operator = get_user_model().objects.get(username="operator")
        b_point = ServicePointFactory(name="千岛湖服务点", village="千岛湖村")
        b_clerk = clerk_add(actor=b_operator, mobile="13700137555", point=b_point)
    other_county_client.force_login(b_clerk.user)

    till = other_county_client.get(TILL).content.decode()
    statement = other_county_client.get(COMMISSIONS).content.decode()

    assert "千岛湖服务点" in other_county_client.get(HOME).content.decode()
    assert _expected(till) == 0 and cash_parcel.number not in till
    assert cash_parcel.number not in statement
