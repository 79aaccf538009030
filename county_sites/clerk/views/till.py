"""The point's till: today's expected cash and its lines, the day's close with the counted
cash, and cash handed over to the county."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.errors import ApplicationError
from county_sites.clerk.views.base import clerk_required
from county_sites.ledger.selectors import till_day
from county_sites.ledger.till import till_amount_parse, till_close, till_handover_record


def _page(request, *, error=None, form=None, status=200) -> HttpResponse:
    return render(
        request,
        "clerk/console/till.html",
        {
            "point": request.point,
            "till": till_day(point=request.point),
            "error": error,
            "form": form or {},
        },
        status=status,
    )


@clerk_required
@require_http_methods(["GET"])
def console_till(request: HttpRequest) -> HttpResponse:
    """Today's till at the clerk's point: the cash it should hold, how (carried over, taken,
    refunded, handed to the county) and whether the day is closed."""
    return _page(request)


@clerk_required
@require_http_methods(["POST"])
def console_till_close(request: HttpRequest) -> HttpResponse:
    """Close today with the cash counted, in yuan as typed; a refusal shows the page again
    with the reason (400) and books nothing."""
    counted = request.POST.get("counted", "")
    try:
        till_close(actor=request.user, point=request.point, counted_fen=till_amount_parse(counted))
    except ApplicationError as error:
        return _page(request, error=error.message, form={"counted": counted}, status=400)
    return redirect("clerk:console_till")


@clerk_required
@require_http_methods(["POST"])
def console_till_handover(request: HttpRequest) -> HttpResponse:
    """Record cash handed over to the county: amount, to whom, receipt number."""
    form = {name: request.POST.get(name, "") for name in ("amount", "handed_to", "receipt_no")}
    try:
        till_handover_record(
            actor=request.user,
            point=request.point,
            amount_fen=till_amount_parse(form["amount"]),
            handed_to=form["handed_to"],
            receipt_no=form["receipt_no"],
        )
    except ApplicationError as error:
        return _page(request, error=error.message, form=form, status=400)
    return redirect("clerk:console_till")
