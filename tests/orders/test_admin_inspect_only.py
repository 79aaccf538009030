"""Orders and refund requests are inspect-only in the county Wagtail admin: their edit, add and
delete URLs write nothing, whatever permissions the user holds (a state written directly would
skip the events, the ledger and the stock release); their list and inspect pages link to the
pages that move them through the services (order act, refund decide)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from county_sites.ledger.models import LedgerEntry
from county_sites.orders.models import Order, OrderEvent, RefundRequest
from county_sites.orders.services import order_mark_paid, refund_request_create
from county_sites.payments.models import Payment, Refund
from farmers.models import Listing
from tests.fixtures.counties import OPERATOR_PASSWORD
from tests.fixtures.orders import place


def _snapshot() -> dict:
    """Every row an order move writes: orders, events, refund requests, the money, stock."""
    return {
        "orders": list(Order.objects.order_by("pk").values()),
        "events": list(OrderEvent.objects.order_by("pk").values()),
        "refund_requests": list(RefundRequest.objects.order_by("pk").values()),
        "refunds": list(Refund.objects.order_by("pk").values()),
        "payments": list(Payment.objects.order_by("pk").values()),
        "ledger": list(LedgerEntry.objects.order_by("pk").values()),
        "stock": list(Listing.objects.order_by("pk").values_list("pk", "stock")),
    }


@pytest.fixture(params=["operator with change permission", "superuser"])
def editor_client(request, county_client, in_county):
    """An admin user who holds (or, a superuser, implies) change and delete on orders and
    refund requests: the policy still gives them no edit form."""
    user = get_user_model().objects.get(username="operator")
    if request.param == "superuser":
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    else:
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="orders",
                codename__in=[
                    "add_order",
                    "change_order",
                    "delete_order",
                    "change_refundrequest",
                    "delete_refundrequest",
                ],
            )  # fmt: skip
        )
    county_client.login(username="operator", password=OPERATOR_PASSWORD)
    return county_client


def test_posting_a_state_to_the_order_edit_url_changes_nothing(editor_client, buyer, tea, point):
    order = place(buyer, [(tea, 1)], point=point)  # online, unpaid
    before = _snapshot()
    edit = f"/admin/orders/edit/{order.pk}/"

    shown = editor_client.get(edit)
    posted = editor_client.post(edit, {"state": "collected", "paid_at": "2026-01-01 10:00"})

    inspect = f"/admin/orders/inspect/{order.pk}/"
    assert (shown.status_code, shown["Location"]) == (302, inspect)
    assert (posted.status_code, posted["Location"]) == (302, inspect)
    assert _snapshot() == before
    order.refresh_from_db()
    assert (order.state, order.paid_at, order.stock_released_at) == ("placed", None, None)


def test_the_order_add_and_delete_urls_write_nothing(editor_client, buyer, tea, point):
    order = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    before = _snapshot()

    added = editor_client.post("/admin/orders/new/", {"state": "collected"})
    deleted = editor_client.post(f"/admin/orders/delete/{order.pk}/")

    # Wagtail's refusal for a permission the policy never grants: back to the dashboard.
    assert (added.status_code, added["Location"]) == (302, "/admin/")
    assert (deleted.status_code, deleted["Location"]) == (302, "/admin/")
    assert _snapshot() == before


def test_posting_a_decision_to_the_refund_edit_url_changes_nothing(
    editor_client, buyer, tea, point
):
    order = order_mark_paid(order=place(buyer, [(tea, 1)], point=point))
    request = refund_request_create(buyer=buyer, order=order, reason="茶叶受潮")
    before = _snapshot()
    edit = f"/admin/refund_requests/edit/{request.pk}/"

    posted = editor_client.post(edit, {"state": "approved", "reason": "改过的原因"})
    deleted = editor_client.post(f"/admin/refund_requests/delete/{request.pk}/")

    assert (posted.status_code, posted["Location"]) == (
        302,
        f"/admin/refund_requests/inspect/{request.pk}/",
    )
    assert (deleted.status_code, deleted["Location"]) == (302, "/admin/")
    assert _snapshot() == before
    request.refresh_from_db()
    order.refresh_from_db()
    assert (request.state, request.reason) == ("requested", "茶叶受潮")
    assert order.state == "refund_requested"


def test_the_order_list_and_inspect_pages_link_to_the_act_page(operator_client, buyer, tea, point):
    order = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    act = f'href="/admin/orders/act/{order.pk}/"'

    listing = operator_client.get("/admin/orders/")
    inspect = operator_client.get(f"/admin/orders/inspect/{order.pk}/")

    assert listing.status_code == inspect.status_code == 200
    assert act in listing.content.decode()
    assert act in inspect.content.decode()
    assert f"/admin/orders/edit/{order.pk}/" not in listing.content.decode()
    assert f"/admin/orders/edit/{order.pk}/" not in inspect.content.decode()


def test_the_refund_list_and_inspect_pages_link_to_the_decide_page(
    operator_client, buyer, tea, point
):
    order = order_mark_paid(order=place(buyer, [(tea, 1)], point=point))
    request = refund_request_create(buyer=buyer, order=order, reason="慢")
    decide = f'href="/admin/refunds/decide/{request.pk}/"'

    listing = operator_client.get("/admin/refund_requests/")
    inspect = operator_client.get(f"/admin/refund_requests/inspect/{request.pk}/")

    assert listing.status_code == inspect.status_code == 200
    assert decide in listing.content.decode()
    assert decide in inspect.content.decode()
    assert f"/admin/refund_requests/edit/{request.pk}/" not in listing.content.decode()
    assert f"/admin/refund_requests/edit/{request.pk}/" not in inspect.content.decode()
