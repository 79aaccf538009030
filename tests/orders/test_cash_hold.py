"""The cash hold (issue 14, point 5): a cash-on-pickup order nobody started preparing within
the county's ServicePointSettings.cash_order_hold_days is cancelled by the beat task, its
stock released and the buyer texted, exactly once; nothing else is touched."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from wagtail.models import Site

from accounts.models import SmsOutbox
from core.county_tasks import WrongSchemaError
from county_sites.orders.models import Order, OrderEvent
from county_sites.orders.services import (
    MSG_CANCELLED_CASH_HOLD,
    SMS_CASH_EXPIRED,
    cash_order_expire,
    order_prepare,
)
from county_sites.orders.tasks import orders_expire_cash
from farmers.models import Listing
from service_points.models import ServicePointSettings
from tests.fixtures.orders import place


def _age(order: Order, days: float) -> None:
    """As if the buyer had placed (and so confirmed) the order `days` ago."""
    then = timezone.now() - dt.timedelta(days=days)
    Order.objects.filter(pk=order.pk).update(placed_at=then, buyer_confirmed_at=then)


def _cash(buyer, listing, point, quantity=2) -> Order:
    order = place(buyer, [(listing, quantity)], point=point, payment="cash_on_pickup")
    SmsOutbox.objects.all().delete()  # the "order placed" text; only the expiry's counts here
    return order


def test_a_cash_order_past_the_hold_is_cancelled_stock_back_and_the_buyer_texted_once(
    buyer, tea, point, county
):
    order = _cash(buyer, tea, point, quantity=3)
    assert Listing.objects.get(pk=tea.pk).stock == 17
    _age(order, 3.1)  # the default hold: 3 days

    assert orders_expire_cash(county.pk) == [order.number]
    assert orders_expire_cash(county.pk) == []
    assert cash_order_expire(order_id=order.pk) is None

    order.refresh_from_db()
    assert (order.state, order.cancel_reason) == ("cancelled", str(MSG_CANCELLED_CASH_HOLD))
    assert order.stock_released_at is not None
    assert Listing.objects.get(pk=tea.pk).stock == 20
    assert OrderEvent.objects.filter(order=order, to_state="cancelled").count() == 1
    texts = list(SmsOutbox.objects.values_list("mobile", "text"))
    assert texts == [(buyer.mobile, str(SMS_CASH_EXPIRED % {"number": order.number, "days": 3}))]


def test_within_the_hold_nothing_happens(buyer, tea, point, county):
    order = _cash(buyer, tea, point)
    _age(order, 2.9)

    assert orders_expire_cash(county.pk) == []
    assert Order.objects.get(pk=order.pk).state == "placed"
    assert Listing.objects.get(pk=tea.pk).stock == 18
    assert not SmsOutbox.objects.exists()


def test_the_county_sets_the_hold(buyer, tea, point, county):
    ServicePointSettings.objects.create(
        site=Site.objects.get(is_default_site=True), cash_order_hold_days=7
    )
    order = _cash(buyer, tea, point)
    _age(order, 5)

    assert orders_expire_cash(county.pk) == []
    _age(order, 7.1)
    assert orders_expire_cash(county.pk) == [order.number]
    assert "7 天内没有开始备货" in SmsOutbox.objects.get().text


def test_a_prepared_cash_order_and_online_orders_are_left_alone(
    buyer, tea, point, county, county_operator
):
    prepared = _cash(buyer, tea, point)
    order_prepare(order=prepared, actor=county_operator)
    online = place(buyer, [(tea, 1)], point=point)
    for order in (prepared, online):
        _age(order, 10)

    assert orders_expire_cash(county.pk) == []
    assert Order.objects.get(pk=prepared.pk).state == "preparing"
    assert Order.objects.get(pk=online.pk).state == "placed"  # the payment timeout's, not ours


def test_the_task_refuses_to_run_in_another_countys_schema(buyer, tea, point, other_county):
    order = _cash(buyer, tea, point)
    _age(order, 10)

    with pytest.raises(WrongSchemaError):
        orders_expire_cash(other_county.pk)  # running in county A's schema
    assert Order.objects.get(pk=order.pk).state == "placed"


def test_beat_runs_the_cash_hold():
    entry = settings.CELERY_BEAT_SCHEDULE["counties-orders-expire-cash"]

    assert entry == {
        "task": "county_sites.orders.tasks.counties_orders_expire_cash",
        "schedule": 15 * 60,
    }
