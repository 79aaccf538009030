"""The county Wagtail admin's 批量导入 menu item and pages (farmers/views/imports.py), shown to
county operators only. Imported by farmers/wagtail_hooks/__init__.py."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core.roles import is_county_operator
from farmers.views import imports as import_views

urlpatterns = [
    path("", import_views.ImportIndexView.as_view(), name="index"),
    path("<int:pk>/", import_views.ImportDetailView.as_view(), name="detail"),
    path(
        "template.csv", import_views.template_download, {"file_format": "csv"}, name="template_csv"
    ),
    path(
        "template.xlsx",
        import_views.template_download,
        {"file_format": "xlsx"},
        name="template_xlsx",
    ),
]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return is_county_operator(request.user)


@hooks.register("register_admin_urls")
def register_import_urls():
    return [path("farmers/import/", include((urlpatterns, "farmers_import")))]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        _("批量导入"),
        reverse("farmers_import:index"),
        name="farmers-import",
        icon_name="upload",
        order=310,
    )
