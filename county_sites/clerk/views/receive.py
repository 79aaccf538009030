"""Receiving a delivery: the point's dispatched deliveries, then one delivery checked line by
line (received / short / damaged) with a shelf position per order, in one plain form."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from core.errors import ApplicationError
from county_sites.clerk.views.base import clerk_required
from county_sites.orders.models import Order, OrderLine, PointDelivery
from county_sites.orders.selectors import (
    point_deliveries_to_receive,
    point_delivery_for_point,
    point_delivery_manifest,
)
from county_sites.orders.services import point_delivery_receive

CHOICES = (
    (OrderLine.Arrival.RECEIVED, "✓", _("收到")),
    (OrderLine.Arrival.SHORT, "∅", _("缺货")),
    (OrderLine.Arrival.DAMAGED, "✗", _("破损")),
)


def _choices() -> list[tuple[str, str, str]]:
    # Translated once per page, not once per line: a 40-parcel delivery has 120 lines
    # (bench/clerk.py: the form took 40 ms with the labels chosen in the template).
    return [(value, mark, str(label)) for value, mark, label in CHOICES]


@clerk_required
@require_http_methods(["GET"])
def console_receive_list(request: HttpRequest) -> HttpResponse:
    """The deliveries on their way to this point, to receive."""
    return render(
        request,
        "clerk/console/receive_list.html",
        {"point": request.point, "deliveries": point_deliveries_to_receive(point=request.point)},
    )


def _parse(request: HttpRequest, manifest) -> tuple[dict[int, str], dict[int, str]]:
    checks, shelf = {}, {}
    for order in manifest.orders:
        shelf[order.pk] = request.POST.get(f"shelf-{order.pk}", "")
        for line in order.lines.all():
            checks[line.pk] = request.POST.get(f"line-{line.pk}", "")
    return checks, shelf


def _choices_show(manifest, checks: dict, shelf: dict, positions=()) -> None:
    """What the form shows chosen: the clerk's choices after a refusal; on the first showing
    every line "received" and the shelf positions handed out in turn (`positions`), so a
    delivery that came in whole takes one tap."""
    # Labels looked up once per page: Model.get_FOO_display() rebuilds the choices' dict on
    # every call (a tenth of this page's time at 120 lines, bench/clerk.py profiled).
    units = {value: str(label) for value, label in OrderLine._meta.get_field("unit").choices}
    payments = {value: str(label) for value, label in Order.PaymentMethod.choices}
    for index, order in enumerate(manifest.orders):
        order.payment_label = payments.get(order.payment_method, order.payment_method)
        for line in order.lines.all():
            line.unit_label = units.get(line.unit, line.unit)
        default = positions[index % len(positions)].pk if positions else ""
        order.picked = str(shelf.get(order.pk, default) or "")
        order.options = [
            (position.pk, position.label, str(position.pk) == order.picked)
            for position in positions
        ]
        for line in order.lines.all():
            line.chosen = checks.get(line.pk) or OrderLine.Arrival.RECEIVED


@clerk_required
@require_http_methods(["GET", "POST"])
def console_receive(request: HttpRequest, pk: int) -> HttpResponse:
    """One delivery of this point: the check form while dispatched, what came in once
    received. Another point's delivery (or a planned one) is a 404, like an unknown one. A
    refusal shows the form again with the reason and the choices made (400)."""
    delivery = point_delivery_for_point(point=request.point, pk=pk)
    if delivery is None:
        raise Http404
    manifest = point_delivery_manifest(delivery=delivery)
    context = {
        "point": request.point,
        "delivery": delivery,
        "manifest": manifest,
        "choices": _choices(),
        "positions": list(request.point.shelf_positions.filter(is_active=True)),
        "error": None,
    }
    if request.method == "GET":
        _choices_show(manifest, {}, {}, context["positions"])
        return render(request, "clerk/console/receive.html", context)
    checks, shelf = _parse(request, manifest)
    try:
        point_delivery_receive(
            clerk_user=request.user, delivery=delivery, checks=checks, shelf=shelf
        )
    except ApplicationError as error:
        delivery.refresh_from_db()
        context["error"] = error.message
        if delivery.state == PointDelivery.State.RECEIVED:
            context["manifest"] = point_delivery_manifest(delivery=delivery)
        _choices_show(context["manifest"], checks, shelf, context["positions"])
        return render(request, "clerk/console/receive.html", context, status=400)
    return redirect("clerk:console_receive", pk=delivery.pk)
