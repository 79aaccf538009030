"""The province's roll-up of one county: users, sellers, orders and sales from the ledger."""

from django_tenants.utils import tenant_context

from accounts.models import User
from core.county_apps import county_figures
from county_sites.orders.services import order_arrive, order_cancel, order_collect, order_prepare
from tests.fixtures.orders import place


def test_county_figures_count_sellers_orders_and_cash_received(
    buyer, county_operator, tea, shoots, point
):
    collected = place(buyer, [(tea, 2)], point=point, payment="cash_on_pickup")
    order_prepare(order=collected, actor=county_operator)
    order_arrive(order=collected, actor=county_operator)
    order_collect(order=collected, actor=county_operator, pickup_code=collected.pickup_code)
    place(buyer, [(shoots, 1)], point=point, payment="cash_on_pickup")  # placed, not paid
    cancelled = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    order_cancel(order=cancelled, actor=buyer)

    figures = county_figures()

    assert figures["sellers"] == 2
    assert figures["orders"] == 2  # the cancelled one does not count
    assert figures["sales_fen"] == collected.total_fen == 2 * tea.price_fen
    assert figures["users"] == User.objects.count()
    assert figures["pages"] == 1


def test_county_figures_of_another_county_see_none_of_this_one(buyer, tea, point, other_county):
    place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")

    with tenant_context(other_county):
        figures = county_figures()

    assert (figures["sellers"], figures["orders"], figures["sales_fen"]) == (0, 0, 0)
