"""Handing a parcel over by its pickup code: all of it, or the lines the buyer takes now."""

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.errors import ApplicationError
from county_sites.clerk.selectors import clerk_parcel_get
from county_sites.clerk.views.base import clerk_required
from county_sites.orders.selectors import order_cash_due, order_lines_to_hand_over
from county_sites.orders.services import MSG_NOT_FOUND_HERE, handover_key_clean, order_hand_over


@clerk_required
@require_http_methods(["GET", "POST"])
def console_handover(request: HttpRequest) -> HttpResponse:
    """Hand a parcel over. Without an order: a box for its number (from the buyer's SMS),
    looked up by GET. With one: its lines, each to tick if it goes now (all ticked), the
    pickup code the buyer says, and who collects it if not the buyer. Success shows what was
    handed over, the cash taken and, if lines stay, the new code for them; a refusal shows the
    form again with the reason (400). An order of another point is "not found here", like an
    unknown number. The form carries a hand-over key: posted twice, it hands over once."""
    data = request.POST if request.method == "POST" else request.GET
    number = (data.get("order") or "").strip()
    order = clerk_parcel_get(point=request.point, number=number)
    # Lines ticked: only a form that showed the ticks sends them; without it every line goes.
    chosen = request.POST.getlist("lines") if "lines_shown" in request.POST else None
    context = {
        "point": request.point,
        "number": number,
        "order": order,
        "collected_by_name": (data.get("collected_by_name") or "").strip(),
        "relation": (data.get("relation") or "").strip(),
        "handover_key": handover_key_clean(request.POST.get("handover_key", ""))
        if request.method == "POST"
        else uuid.uuid4().hex,
        "error": None,
    }
    if order is not None:
        context.update(_lines_context(order, chosen))
    if request.method == "GET":
        if number and order is None:
            context["error"] = MSG_NOT_FOUND_HERE
            return render(request, "clerk/console/handover.html", context, status=400)
        return render(request, "clerk/console/handover.html", context)
    try:
        if order is None:
            raise ApplicationError(MSG_NOT_FOUND_HERE, field="order")
        handed = order_hand_over(
            clerk_user=request.user,
            order=order,
            pickup_code=request.POST.get("pickup_code", ""),
            collected_by_name=context["collected_by_name"],
            relation=context["relation"],
            line_ids=chosen,
            handover_key=context["handover_key"],
        )
    except ApplicationError as error:
        context["error"] = error.message
        return render(request, "clerk/console/handover.html", context, status=400)
    handover = handed.handover
    return render(
        request,
        "clerk/console/handed_over.html",
        {
            "point": request.point,
            "order": handed,
            "handover": handover,
            "lines": list(handover.lines.order_by("pk")),
            "cash_fen": handover.cash_fen,
            "rest_code": handed.pickup_code
            if handed.state == handed.State.AT_SERVICE_POINT
            else "",
            "rest": order_lines_to_hand_over(order=handed),
            "collected_by_name": handover.collected_by_name,
            "relation": handover.relation,
        },
    )


def _lines_context(order, chosen: list[str] | None) -> dict:
    """The order's lines for the form: those still to go, ticked (all of them, or as the form
    posted had them), and the others with why they do not go; the cash for all that is left."""
    ticked = None if chosen is None else set(chosen)
    return {
        "lines_to_go": [
            (line, ticked is None or str(line.pk) in ticked)
            for line in order_lines_to_hand_over(order=order)
        ],
        "lines_not_here": [line for line in order.lines.all() if not line.can_hand_over],
        "cash_due_fen": order_cash_due(order),
    }
