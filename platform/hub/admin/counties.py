"""County operations in the province admin: create a county as a background job and watch it,
suspend and reactivate with a confirmation, give and take a county's operator role.

Custom admin views on CountyAdmin, kept thin: the forms check the shape, hub.services and
hub.services.creation do the work. The province console may move to another framework later
(issue 10, point 1); only these views and their templates would move, not the services.
"""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

# Not "as _lazy": makemessages only extracts the names it knows (gettext_lazy, _, ...).
from django.utils.translation import gettext_lazy

from core.errors import ApplicationError
from core.money import yuan_sign
from hub.forms import CountyCreationForm, CountyOperatorForm
from hub.models import County, CountyCreation
from hub.selectors import county_operators, county_primary_domain
from hub.services import county_reactivate, county_suspend
from hub.services.counties import county_operator_assign, county_operator_remove
from hub.services.creation import (
    county_creation_password_take,
    county_creation_request,
    county_creation_waits_for_worker,
)


def _county_urls(request, county: County) -> dict:
    domain = county_primary_domain(county)
    if domain is None:
        return {}
    port = request.get_port()
    suffix = "" if port in ("80", "443") else f":{port}"
    base = f"{request.scheme}://{domain}{suffix}/"
    return {"storefront_url": base, "admin_url": base + "admin/"}


class CountyOperationsMixin:
    """Mixed into hub.admin.CountyAdmin."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("create/", wrap(self.create_view), name="hub_county_create"),
            path("creation/<int:pk>/", wrap(self.creation_status_view), name="hub_county_creation"),
            path("<int:pk>/suspend/", wrap(self.suspend_view), name="hub_county_suspend"),
            path("<int:pk>/reactivate/", wrap(self.reactivate_view), name="hub_county_reactivate"),
            path("<int:pk>/operators/", wrap(self.operators_view), name="hub_county_operators"),
            path(
                "<int:pk>/operators/<int:user_id>/remove/",
                wrap(self.operator_remove_view),
                name="hub_county_operator_remove",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            **extra,
        }

    def add_view(self, request, form_url="", extra_context=None):
        # The stock add form would clone in the request: send people to the job form.
        return redirect("admin:hub_county_create")

    def create_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CountyCreationForm(request.POST or None)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    creation = county_creation_request(
                        **form.cleaned_data, requested_by=request.user
                    )
                except ApplicationError as error:
                    form.add_error(error.field, error.message)
                else:
                    return redirect("admin:hub_county_creation", pk=creation.pk)
            status = 400
        context = self._context(request, title=_("新建县"), form=form)
        return TemplateResponse(request, "hub/admin/county_create.html", context, status=status)

    def creation_status_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        creation = get_object_or_404(CountyCreation.objects.select_related("county"), pk=pk)
        password = ""
        urls = {}
        if creation.state == CountyCreation.State.DONE and creation.county is not None:
            password = county_creation_password_take(creation=creation, user=request.user)
            urls = _county_urls(request, creation.county)
        context = self._context(
            request,
            title=_("新建县：%(name)s") % {"name": creation.name},
            creation=creation,
            password=password,
            waits_for_worker=county_creation_waits_for_worker(creation),
            **urls,
        )
        return TemplateResponse(request, "hub/admin/county_creation.html", context)

    def _status_change(self, request, pk, *, service, title, question, done):
        county = get_object_or_404(County.objects.counties(), pk=pk)
        if not self.has_change_permission(request, county):
            raise PermissionDenied
        if request.method == "POST":
            service(county=county)
            self.message_user(request, done % {"name": county.name}, messages.SUCCESS)
            return redirect("admin:hub_county_change", county.pk)
        context = self._context(
            request,
            title=title % {"name": county.name},
            county=county,
            question=question % {"name": county.name},
            cancel_url=reverse("admin:hub_county_change", args=[county.pk]),
        )
        return TemplateResponse(request, "hub/admin/county_confirm.html", context)

    def suspend_view(self, request, pk):
        return self._status_change(
            request,
            pk,
            service=county_suspend,
            title=_("暂停 %(name)s"),
            question=_(
                "暂停后 %(name)s 的网站和后台都无法访问（显示“暂停服务”），数据保留。确定暂停吗？"
            ),
            done=_("%(name)s 已暂停。"),
        )

    def reactivate_view(self, request, pk):
        return self._status_change(
            request,
            pk,
            service=county_reactivate,
            title=_("恢复 %(name)s"),
            question=_("恢复后 %(name)s 的网站和后台重新开放。确定恢复吗？"),
            done=_("%(name)s 已恢复运营。"),
        )

    def operators_view(self, request, pk):
        county = get_object_or_404(County.objects.counties(), pk=pk)
        if not self.has_change_permission(request, county):
            raise PermissionDenied
        form = CountyOperatorForm(request.POST or None)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    assigned = county_operator_assign(county=county, who=form.cleaned_data["who"])
                except ApplicationError as error:
                    form.add_error("who", error.message)
                else:
                    self.message_user(
                        request,
                        _("%(user)s 已成为 %(county)s 的运营人员。")
                        % {"user": assigned.username, "county": county.name},
                        messages.SUCCESS,
                    )
                    if assigned.password:
                        self.message_user(
                            request,
                            _("账号 %(user)s 的初始密码 %(password)s（只显示这一次）。")
                            % {"user": assigned.username, "password": assigned.password},
                            messages.WARNING,
                        )
                    return redirect("admin:hub_county_operators", pk=county.pk)
            status = 400
        context = self._context(
            request,
            title=_("%(county)s 的运营人员") % {"county": county.name},
            county=county,
            form=form,
            operators=county_operators(county),
        )
        return TemplateResponse(request, "hub/admin/county_operators.html", context, status=status)

    def operator_remove_view(self, request, pk, user_id):
        county = get_object_or_404(County.objects.counties(), pk=pk)
        if not self.has_change_permission(request, county):
            raise PermissionDenied
        back = reverse("admin:hub_county_operators", args=[county.pk])
        if request.method == "POST":
            try:
                username = county_operator_remove(county=county, user_id=user_id)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("已取消 %(user)s 在 %(county)s 的运营人员身份。")
                    % {"user": username, "county": county.name},
                    messages.SUCCESS,
                )
            return redirect(back)
        operator = next((o for o in county_operators(county) if o["pk"] == user_id), None)
        if operator is None:
            raise Http404
        context = self._context(
            request,
            title=_("移除运营人员"),
            county=county,
            question=_(
                "取消 %(user)s 在 %(county)s 的运营人员身份吗？账号保留，但不能再进入县级后台。"
            )
            % {"user": operator["username"], "county": county.name},
            cancel_url=back,
        )
        return TemplateResponse(request, "hub/admin/county_confirm.html", context)

    def action_confirm(self, request, queryset, action, title):
        """The list's bulk suspend or reactivate asks first, naming the counties."""
        context = self._context(
            request,
            title=title,
            action=action,
            counties=list(queryset),
            selected=request.POST.getlist(ACTION_CHECKBOX_NAME),
            cancel_url=reverse("admin:hub_county_changelist"),
        )
        return TemplateResponse(request, "hub/admin/county_action_confirm.html", context)

    # The county list: status and this month's key figures from the roll-up (hub.rollups:
    # the same definitions as the dashboard), amounts in yuan.
    def _figure(self, county, name):
        value = getattr(county, name, None)
        return "—" if value is None else value

    @admin.display(description=gettext_lazy("注册用户"))
    def stats_users(self, county):
        return self._figure(county, "rollup_users")

    @admin.display(description=gettext_lazy("本月订单数"))
    def stats_orders(self, county):
        return self._figure(county, "rollup_orders")

    @admin.display(description=gettext_lazy("本月网络零售额"))
    def stats_sales(self, county):
        value = getattr(county, "rollup_sales_fen", None)
        return "—" if value is None else yuan_sign(value)

    @admin.display(description=gettext_lazy("数据更新时间"))
    def stats_refreshed(self, county):
        return self._figure(county, "rollup_at")
