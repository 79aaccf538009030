"""The county Wagtail admin's till and commission screens, read-only (issue 9, point 11):
the service points' till closes (现金日结: expected, counted, difference, who and when) and a
point's monthly commission statement (服务点佣金, with CSV). County operators only; nothing
here writes: every amount is a ledger entry booked by county_sites.ledger.till and
county_sites.ledger.point_commissions."""

from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core.roles import is_county_operator
from county_sites.ledger.selectors import (
    business_day_of,
    point_commission_statement,
    till_close_list,
)
from county_sites.ledger.statements import point_commission_csv, statement_month_parse
from service_points.models import ServicePoint

CLOSES_SHOWN = 200  # the newest closes; older ones by filtering on a point
MSG_MONTH_INVALID = _("月份格式不对，例如 2026-12。")


def _operator_only(request):
    if not is_county_operator(request.user):
        raise Http404


def _point_chosen(request) -> ServicePoint | None:
    try:
        return ServicePoint.objects.filter(pk=int(request.GET.get("point", ""))).first()
    except ValueError:
        return None


@require_GET
def till_closes(request):
    """The points' till closes, newest day first, optionally of one point (?point=)."""
    _operator_only(request)
    point = _point_chosen(request)
    return TemplateResponse(
        request,
        "ledger/admin/till_closes.html",
        {
            "points": ServicePoint.objects.order_by("village", "name"),
            "point": point,
            "closes": list(till_close_list(point=point)[:CLOSES_SHOWN]),
        },
    )


@require_GET
def point_commissions(request):
    """One point's commissions in a month (?point=&month=YYYY-MM), on screen or as CSV
    (&format=csv)."""
    _operator_only(request)
    today = business_day_of(timezone.now())
    month = statement_month_parse(request.GET.get("month"), today=today)
    point = _point_chosen(request)
    context = {
        "points": ServicePoint.objects.order_by("village", "name"),
        "point": point,
        "month_text": f"{month:%Y-%m}" if month else request.GET.get("month", ""),
        "error": None if month else MSG_MONTH_INVALID,
        "statement": None,
    }
    if month is None:
        return TemplateResponse(request, "ledger/admin/point_commissions.html", context, status=400)
    if point is not None:
        statement = point_commission_statement(point=point, month=month)
        if request.GET.get("format") == "csv":
            response = HttpResponse(
                point_commission_csv(statement), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = (
                f'attachment; filename="commissions-{point.pk}-{month:%Y-%m}.csv"'
            )
            return response
        context["statement"] = statement
    return TemplateResponse(request, "ledger/admin/point_commissions.html", context)


@hooks.register("register_admin_urls")
def register_ledger_admin_urls():
    return [
        path("ledger/till-closes/", till_closes, name="ledger_till_closes"),
        path("ledger/point-commissions/", point_commissions, name="ledger_point_commissions"),
    ]


class OperatorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_county_operator(request.user)


@hooks.register("register_admin_menu_item")
def register_till_closes_menu_item():
    return OperatorMenuItem(
        _("现金日结"), reverse("ledger_till_closes"), icon_name="table", order=351
    )


@hooks.register("register_admin_menu_item")
def register_point_commissions_menu_item():
    return OperatorMenuItem(
        _("服务点佣金"), reverse("ledger_point_commissions"), icon_name="table", order=352
    )
