"""The province's roll-up dashboard in the province admin (统计报表, hub host
/admin/hub/rolluprun/dashboard/): a period of months against the one before and the same one a
year earlier, charts as inline SVG, the county table with each figure's definition beside it,
a county's service points, CSV/XLSX exports and the "recompute now" button with the run's
progress. The list of runs is the model's changelist.

Thin: hub.selectors.rollups reads, hub.reports shapes the exports, hub.services.rollups
writes. Province staff only: the admin site lets in active staff of the public schema, and
these views ask for the run model's view permission (recompute: its add permission); county
users live in their county's schema and have no account here.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.tables import CSV_TYPE, XLSX_TYPE, table_csv, table_xlsx
from hub import reports
from hub.dashboard import dashboard_context
from hub.models import County, RollUpRun
from hub.rollups import COUNTY, POINT
from hub.selectors.rollups import (
    period_parse,
    rollup_computed_at,
    rollup_counties,
    rollup_points,
    rollup_province,
    rollup_runs,
)
from hub.services.rollups import rollup_run_request

MSG_BAD_PERIOD = gettext_lazy(
    "统计期有误：请按“年-月”选择月份（例如 2026-03），且起始月份不晚于截止月份。"
)
EXPORTS = {
    "counties": gettext_lazy("县级指标"),
    "points": gettext_lazy("服务点指标"),
    "indicators": gettext_lazy("农村电商指标"),
}


class RollUpRunAdmin(admin.ModelAdmin):
    list_display = (
        "created_at", "trigger", "state", "progress", "requested_by", "month_from", "month_to",
        "finished_at",
    )  # fmt: skip
    list_filter = ("state", "trigger")
    change_list_template = "hub/admin/rollup_run_list.html"
    readonly_fields = [field.name for field in RollUpRun._meta.fields]

    @admin.display(description=_("进度"))
    def progress(self, run):
        return f"{run.counties_done + run.counties_failed}/{run.counties_total}"

    # Runs are written by the tasks; people ask for one with the dashboard's button.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("dashboard/", wrap(self.dashboard_view), name="hub_rollup_dashboard"),
            path(
                "dashboard/export/<str:table>.<str:fmt>",
                wrap(self.export_view),
                name="hub_rollup_export",
            ),
            path("recompute/", wrap(self.recompute_view), name="hub_rollup_recompute"),
            *super().get_urls(),
        ]

    def _check(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied

    def _period(self, request):
        try:
            return period_parse(request.GET.get("from"), request.GET.get("to"))
        except ValueError:
            return None

    def dashboard_view(self, request):
        self._check(request)
        period = self._period(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("统计报表"),
            "runs": rollup_runs(),
            "computed_at": rollup_computed_at(),
            "can_recompute": request.user.has_perm("hub.add_rolluprun"),
        }
        if period is None:
            context["error"] = str(MSG_BAD_PERIOD)
            return TemplateResponse(request, "hub/admin/rollup_dashboard.html", context, status=400)
        drill = None
        county_id = request.GET.get("county")
        if county_id:
            if not county_id.isdigit():
                raise Http404
            drill = get_object_or_404(County.objects.counties(), pk=int(county_id))
        context.update(dashboard_context(period, county=drill))
        return TemplateResponse(request, "hub/admin/rollup_dashboard.html", context)

    def export_view(self, request, table, fmt):
        self._check(request)
        if table not in EXPORTS or fmt not in ("csv", "xlsx"):
            raise Http404
        period = self._period(request)
        if period is None:
            return HttpResponse(
                str(MSG_BAD_PERIOD), status=400, content_type="text/plain; charset=utf-8"
            )
        rows = rollup_counties(period)
        total = rollup_province(rows, name=_("全省合计"))
        if table == "counties":
            headers, body = reports.counties_table(rows, total, period)
        elif table == "points":
            headers, body = reports.points_table(rollup_points(period), period)
        else:
            headers, body = reports.indicators_table(rows, total, period)
        title = str(EXPORTS[table])
        name = f"{table}-{period.first:%Y%m}-{period.last:%Y%m}.{fmt}"
        if fmt == "xlsx":
            notes = reports.definitions_table(POINT if table == "points" else COUNTY)
            content, kind = table_xlsx(headers, body, title=title, notes=notes), XLSX_TYPE
        else:
            content, kind = table_csv(headers, body), CSV_TYPE
        response = HttpResponse(content, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def recompute_view(self, request):
        return require_POST(self._recompute)(request)

    def _recompute(self, request):
        if not request.user.has_perm("hub.add_rolluprun"):
            raise PermissionDenied
        try:
            rollup_run_request(trigger=RollUpRun.Trigger.ON_DEMAND, requested_by=request.user)
        except ApplicationError as refusal:
            self.message_user(request, refusal.message, messages.WARNING)
        else:
            self.message_user(request, _("已开始重算全部月份，本页显示进度。"), messages.SUCCESS)
        # Back to the period the operator was looking at (only the two months are kept).
        back = {key: request.POST[key] for key in ("from", "to") if request.POST.get(key)}
        url = reverse("admin:hub_rollup_dashboard")
        return redirect(f"{url}?{urlencode(back)}" if back else url)
