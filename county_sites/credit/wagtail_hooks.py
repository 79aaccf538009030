"""The county Wagtail admin's 授信额度 page: the county's credit lines, and the import of the
bank's file of pre-approved households (county_sites.credit.imports). County operators only."""

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.errors import ApplicationError
from core.roles import is_county_operator
from county_sites.credit.forms import CreditImportForm
from county_sites.credit.imports import COLUMNS, REQUIRED, credit_lines_import
from county_sites.credit.selectors import credit_lines_for_operator

LINES_LISTED = 200


class CreditLinesView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "credit/admin/lines.html"
    page_title = _("授信额度")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not is_county_operator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, result=None, **kwargs):
        return super().get_context_data(
            form=form or CreditImportForm(),
            result=result,
            lines=credit_lines_for_operator()[:LINES_LISTED],
            columns=[(name, key in REQUIRED) for name, key in COLUMNS.items()],
            **kwargs,
        )

    def post(self, request):
        form = CreditImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        try:
            result = credit_lines_import(
                actor=request.user, file_name=upload.name, content=upload.read()
            )
        except ApplicationError as error:
            form.add_error("file", str(error.message))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        status = 400 if result.errors else 200
        return self.render_to_response(self.get_context_data(result=result), status=status)


class CreditMenuItem(MenuItem):
    def is_shown(self, request):
        return is_county_operator(request.user)


@hooks.register("register_admin_urls")
def register_credit_urls():
    return [path("credit/lines/", CreditLinesView.as_view(), name="credit_lines")]


@hooks.register("register_admin_menu_item")
def register_credit_menu_item():
    return CreditMenuItem(
        _("授信额度"), reverse("credit_lines"), name="credit-lines", icon_name="doc-full", order=330
    )
