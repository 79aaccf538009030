"""Bulk import of sellers and listings (farmers.imports): the uploaded file's job, what each
row did, and which listing a row of a file stands for."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from farmers.models.listings import Listing
from farmers.models.sellers import Seller


class ImportJob(models.Model):
    """One CSV/XLSX file of sellers and listings uploaded by a county operator in the county
    Wagtail admin (批量导入) or given to `manage.py import_listings`.

    The file is checked and read when uploaded (a bad file is refused whole, nothing saved);
    its rows are kept here and worked through by farmers.tasks.imports.farmers_import_run,
    which fills in the progress counters and one ImportRowResult per row.
    """

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("出错中止")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    file_name = models.CharField(_("文件名"), max_length=255)
    file_format = models.CharField(_("文件格式"), max_length=8, choices=Format.choices)
    file_sha256 = models.CharField(_("文件指纹"), max_length=64)
    # [[row number as Excel shows it, {column key: cell text}], ...], empty rows left out.
    rows = models.JSONField(_("数据行"), default=list, editable=False)
    listing_state = models.CharField(
        _("新商品的状态"),
        max_length=16,
        choices=[
            (Listing.State.SUBMITTED, _("直接提交审核")),
            (Listing.State.DRAFT, _("保存为草稿")),
        ],
        default=Listing.State.SUBMITTED,
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.QUEUED, db_index=True
    )
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    failed = models.PositiveIntegerField(_("出错"), default=0)
    sellers_created = models.PositiveIntegerField(_("新登记卖家"), default=0)
    error = models.TextField(_("中止原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量导入")
        verbose_name_plural = _("批量导入")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["queued", "running", "done", "failed"]),
                name="farmers_importjob_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(rows_done__lte=models.F("rows_total")),
                name="farmers_importjob_done_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 100 if self.is_finished else 0
        return self.rows_done * 100 // self.rows_total


class ImportRowResult(models.Model):
    """What one row of an import did, written by farmers.imports as the row is processed:
    the per-row report county operators read on the import's page, failed rows with their
    reasons."""

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    class Outcome(models.TextChoices):
        CREATED = "created", _("新增")
        UPDATED = "updated", _("更新")
        UNCHANGED = "unchanged", _("未变")
        FAILED = "failed", _("出错")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="results")
    row_number = models.PositiveIntegerField(_("行号"))
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)
    messages = models.JSONField(_("原因"), default=list, blank=True)
    seller_created = models.BooleanField(_("新登记卖家"), default=False)
    seller = models.ForeignKey(
        Seller,
        verbose_name=_("卖家"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    listing = models.ForeignKey(
        Listing,
        verbose_name=_("商品"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("导入结果")
        verbose_name_plural = _("导入结果")
        ordering = ["job", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "row_number"], name="farmers_importrowresult_one_per_row"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["created", "updated", "unchanged", "failed"]),
                name="farmers_importrowresult_outcome_valid",
            ),
        ]

    def __str__(self):
        return f"{self.job_id}:{self.row_number} {self.outcome}"


class ImportedListing(models.Model):
    """Which listing a row of an import file stands for, so importing the same file again
    finds it instead of creating it twice. Written by farmers.imports only.

    The key is the row's 商品编号 ("ref:<编号>") or, without one, its title ("title:<标题>"),
    per seller. `values` holds what the last import wrote, so a row the file did not change
    is left alone even if the seller has since changed the listing on their phone.
    """

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("导入键"), max_length=100)
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    values = models.JSONField(_("上次导入的内容"), default=dict)
    job = models.ForeignKey(
        ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("导入键")
        verbose_name_plural = _("导入键")
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "key"], name="farmers_importedlisting_key_unique"
            )
        ]

    def __str__(self):
        return f"{self.seller_id}:{self.key}"
