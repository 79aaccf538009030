"""The county Wagtail admin's 批量导入 pages: upload a file, download the templates, follow a
job's progress and read its per-row errors. Only county operators (farmers.permissions) see
them; registered in farmers/wagtail_hooks/imports.py.

The views parse the request (farmers.forms.imports) and call farmers.imports; a file refused
whole comes back as a 400 with its reason and nothing saved.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.errors import ApplicationError
from core.roles import is_county_operator
from farmers.forms.imports import ImportUploadForm
from farmers.imports import (
    COLUMNS,
    MAX_FILE_BYTES,
    MSG_FILE_TOO_BIG,
    import_job_create,
    import_job_failed_rows,
    import_job_list,
    template_csv,
    template_xlsx,
)

# The latest imports listed on the page; older ones stay in the database.
JOBS_LISTED = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class OperatorOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not is_county_operator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportIndexView(OperatorOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """The upload form, the template downloads and the county's latest imports."""

    template_name = "farmers/import/index.html"
    page_title = _("批量导入")
    header_icon = "upload"

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            form=form or ImportUploadForm(),
            jobs=import_job_list()[:JOBS_LISTED],
            columns=COLUMNS,
            **kwargs,
        )

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            # Refused before reading it into memory.
            form.add_error("file", MSG_FILE_TOO_BIG % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            job = import_job_create(
                actor=request.user,
                file_name=upload.name,
                content=upload.read(),
                listing_state=form.cleaned_data["listing_state"],
            )
        except ApplicationError as error:
            form.add_error("file", str(error.message))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        return redirect("farmers_import:detail", pk=job.pk)


class ImportDetailView(OperatorOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """One import: its progress (the page reloads itself every 2 s until it is finished),
    its counters and the rows that failed, with why."""

    template_name = "farmers/import/detail.html"
    page_title = _("批量导入")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("farmers_import:index"), "label": _("批量导入")},
            {"url": "", "label": _("导入 #%(pk)s") % {"pk": self.kwargs["pk"]}},
        ]

    def get_context_data(self, pk, **kwargs):
        job = get_object_or_404(import_job_list(), pk=pk)
        return super().get_context_data(
            job=job,
            failed_rows=import_job_failed_rows(job=job) if job.is_finished else [],
            review_url=reverse("listings:index") + "?state=submitted",
            **kwargs,
        )


def template_download(request, file_format: str):
    if not is_county_operator(request.user):
        raise PermissionDenied
    if file_format == "xlsx":
        content, content_type = template_xlsx(), XLSX_TYPE
    else:
        content, content_type = template_csv(), "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="fengshou-import.{file_format}"; '
        f"filename*=UTF-8''%E6%89%B9%E9%87%8F%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.{file_format}"
    )
    return response
