"""The point's commission statement for a month, on screen (printable) and as CSV."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from county_sites.clerk.views.base import clerk_required
from county_sites.ledger.selectors import business_day_of, point_commission_statement
from county_sites.ledger.statements import point_commission_csv, statement_month_parse

MSG_MONTH_INVALID = _("月份格式不对，例如 2026-12。")


@clerk_required
@require_http_methods(["GET"])
def console_commissions(request: HttpRequest) -> HttpResponse:
    """The clerk's own point's commissions on the orders handed over in `?month=YYYY-MM`
    (default this month); `&format=csv` downloads it."""
    today = business_day_of(timezone.now())
    month = statement_month_parse(request.GET.get("month"), today=today)
    if month is None:
        return render(
            request,
            "clerk/console/commissions.html",
            {"point": request.point, "error": MSG_MONTH_INVALID, "month_text": ""},
            status=400,
        )
    statement = point_commission_statement(point=request.point, month=month)
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            point_commission_csv(statement), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="commissions-{month:%Y-%m}.csv"'
        return response
    previous = (month - timezone.timedelta(days=1)).replace(day=1)
    following = (month + timezone.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "clerk/console/commissions.html",
        {
            "point": request.point,
            "statement": statement,
            "month_text": f"{month:%Y-%m}",
            "previous": f"{previous:%Y-%m}",
            "following": f"{following:%Y-%m}" if following <= today else "",
        },
    )
