"""Sellers (farmers, co-operatives, merchants), their listings and everything a listing carries:
certifications, traceability batches, photos and its moderation log.

All of these live in each county's schema. Every write goes through farmers.services, which
checks who may do it and logs moderation decisions.
"""

import secrets
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import mobile_validator
from core.money import yuan
from hub.taxonomy import Certification, Unit

last4_validator = RegexValidator(r"^\d{4}\Z", _("只保存银行卡号的后4位数字。"))

# Public traceability codes: no 0/o/1/l/i so a code read aloud or copied from a label survives.
TRACE_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TRACE_CODE_LENGTH = 12


def trace_code_new() -> str:
    return "".join(secrets.choice(TRACE_CODE_ALPHABET) for _i in range(TRACE_CODE_LENGTH))


class Seller(models.Model):
    """A farmer, co-operative or merchant selling in this county.

    Registered by the seller on their phone, by a service-point clerk or by a county operator
    (farmers.services.seller_register, which records consent); county operators edit sellers in
    the county Wagtail admin (卖家).

    The bank account is stored masked: only the bank's name and the last 4 digits, enough for a
    seller to recognise "尾号 1234" on a statement. The full number is handed to the payment
    gateway when a payee is bound and never kept here, so a leaked database, backup or admin
    screen cannot be used to redirect or steal payouts, and we hold no data that would bring
    the county's schema under card-data rules.
    """

    class Kind(models.TextChoices):
        FARMER = "farmer", _("农户")
        COOPERATIVE = "cooperative", _("合作社")
        MERCHANT = "merchant", _("商户")

    class IdVerification(models.TextChoices):
        UNVERIFIED = "unverified", _("未认证")
        PENDING = "pending", _("认证中")
        VERIFIED = "verified", _("已认证")
        REJECTED = "rejected", _("认证未通过")

    class ConsentMethod(models.TextChoices):
        SELF_ON_PHONE = "self_on_phone", _("本人在手机上同意")
        AT_SERVICE_POINT = "at_service_point", _("在服务点当面同意")
        PAPER_FORM = "paper_form", _("签署纸质表格")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.FARMER)
    name = models.CharField(_("名称"), max_length=64)
    mobile = models.CharField(_("手机号码"), max_length=11, validators=[mobile_validator])
    mobile_verified_at = models.DateTimeField(_("手机验证时间"), null=True, blank=True)
    village = models.CharField(_("所在村"), max_length=64, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=64, blank=True)
    bank_account_last4 = models.CharField(
        _("银行卡尾号"), max_length=4, blank=True, validators=[last4_validator]
    )
    id_verification = models.CharField(
        _("身份认证"),
        max_length=16,
        choices=IdVerification.choices,
        default=IdVerification.UNVERIFIED,
    )
    registered_by_point = models.ForeignKey(
        "service_points.ServicePoint",
        verbose_name=_("登记服务点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_sellers",
    )
    consented_at = models.DateTimeField(_("同意时间"))
    consent_method = models.CharField(_("同意方式"), max_length=20, choices=ConsentMethod.choices)
    # Who took the consent on the seller's behalf (clerk or operator); empty only when the
    # seller consented on their own phone.
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("同意记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="seller",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("卖家")
        verbose_name_plural = _("卖家")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mobile"], name="farmers_seller_mobile_unique"),
            models.CheckConstraint(
                condition=models.Q(consent_method="self_on_phone")
                | models.Q(consent_recorded_by__isnull=False),
                name="farmers_seller_consent_on_behalf_has_recorder",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["farmer", "cooperative", "merchant"]),
                name="farmers_seller_kind_valid",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def bank_account_masked(self) -> str:
        if not self.bank_account_last4:
            return ""
        return f"{self.bank_name} 尾号 {self.bank_account_last4}".strip()


class Listing(models.Model):
    """Something a seller offers: produce or daily goods, at a price per unit.

    Created and edited by the seller (or a clerk/operator for them) through farmers.services;
    county operators review it in the county Wagtail admin (商品审核) and approve, reject, delist
    or relist it there. Only approved listings are shown in the storefront.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已上架")
        REJECTED = "rejected", _("未通过")
        DELISTED = "delisted", _("已下架")

    seller = models.ForeignKey(
        Seller, verbose_name=_("卖家"), on_delete=models.PROTECT, related_name="listings"
    )
    title = models.CharField(_("标题"), max_length=80)
    description = models.TextField(_("描述"), blank=True)
    # The province taxonomy lives in public; no reverse accessor from it into county rows.
    category = models.ForeignKey(
        "hub.Category", verbose_name=_("类目"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.CharField(_("单位"), max_length=16, choices=Unit.choices, default=Unit.JIN)
    price_fen = models.PositiveIntegerField(_("单价（分）"), default=0)
    stock = models.PositiveIntegerField(_("库存"), default=0)
    min_order_qty = models.PositiveIntegerField(
        _("起订量"), default=1, validators=[MinValueValidator(1)]
    )
    harvest_start = models.DateField(_("采收开始"), null=True, blank=True)
    harvest_end = models.DateField(_("采收结束"), null=True, blank=True)
    origin_village = models.CharField(_("产地村"), max_length=64, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    rejection_reason = models.TextField(_("未通过原因"), blank=True)
    # Set when a delisted listing is edited in anything reviewers look at: relisting it then
    # goes back to review instead of straight to approved.
    needs_review = models.BooleanField(_("修改后待复审"), default=False, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("通过时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("商品")
        verbose_name_plural = _("商品")
        ordering = ["-created_at", "-pk"]
        permissions = [("moderate_listing", _("审核商品（通过、驳回）"))]
        indexes = [
            models.Index(fields=["state", "submitted_at"], name="farmers_listing_queue_idx"),
            models.Index(fields=["seller", "state"], name="farmers_listing_seller_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stock__gte=0), name="farmers_listing_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(min_order_qty__gte=1), name="farmers_listing_min_order_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(harvest_start__isnull=True)
                | models.Q(harvest_end__isnull=True)
                | models.Q(harvest_end__gte=models.F("harvest_start")),
                name="farmers_listing_harvest_window_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    state__in=["draft", "submitted", "approved", "rejected", "delisted"]
                ),
                name="farmers_listing_state_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="rejected") | ~models.Q(rejection_reason=""),
                name="farmers_listing_rejected_has_reason",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.harvest_start and self.harvest_end and self.harvest_end < self.harvest_start:
            raise ValidationError({"harvest_end": _("采收结束日期不能早于开始日期。")})

    @property
    def is_live(self) -> bool:
        return self.state == self.State.APPROVED

    @property
    def price_yuan(self) -> str:
        """The price for people: 350 fen -> "3.50"."""
        return yuan(self.price_fen)


class ListingCertification(models.Model):
    """A certificate a listing claims (绿色食品, 有机产品, 农产品地理标志), with its number so a
    buyer or operator can check it with the issuer. Added by the seller through
    farmers.services; a change sends an approved listing back to review."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(_("认证类型"), max_length=20, choices=Certification.choices)
    certificate_number = models.CharField(_("证书编号"), max_length=64, blank=True)
    issuer = models.CharField(_("发证机构"), max_length=128, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("认证")
        verbose_name_plural = _("认证")
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "kind"], name="farmers_certification_one_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.certificate_number}".strip()

    def clean(self):
        from hub.taxonomy import CERTIFICATE_NUMBER_REQUIRED

        if self.kind in CERTIFICATE_NUMBER_REQUIRED and not self.certificate_number.strip():
            raise ValidationError(
                {
                    "certificate_number": _("“%(kind)s”必须填写证书编号。")
                    % {"kind": self.get_kind_display()}
                }
            )


class TraceabilityBatch(models.Model):
    """One harvest batch of a listing: when and where it was grown and with what inputs.

    Entered by the seller (or a clerk for them) through farmers.services. Anyone can read it at
    the county's /trace/<code>/, reached from the QR code printed on the package; `code` is
    random so batches cannot be enumerated.
    """

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="batches")
    batch_code = models.CharField(
        _("批次号"), max_length=32, unique=True, help_text=_("卖家自己的批次编号。")
    )
    code = models.CharField(
        _("溯源码"),
        max_length=TRACE_CODE_LENGTH,
        unique=True,
        default=trace_code_new,
        editable=False,
    )
    harvest_date = models.DateField(_("采收日期"))
    plot = models.CharField(_("地块"), max_length=128, blank=True)
    inputs_note = models.TextField(_("投入品说明"), blank=True, help_text=_("施肥、用药等情况。"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("溯源批次")
        verbose_name_plural = _("溯源批次")
        ordering = ["-harvest_date", "-pk"]

    def __str__(self):
        return self.batch_code


def listing_photo_upload_to(instance: "ListingPhoto", filename: str) -> str:
    """listings/<listing id>/<random>.<ext>: per listing, inside the county's media folder
    (TenantFileSystemStorage); the random name hides the phone's file name."""
    suffix = PurePosixPath(filename).suffix.lower()[:6]
    return f"listings/{instance.listing_id}/{uuid.uuid4().hex}{suffix}"


class ListingPhoto(models.Model):
    """A photo of a listing, uploaded by the seller (at most MAX_PHOTOS_PER_LISTING, checked by
    farmers.services). `renditions` maps a rendition name to its stored path once the
    background task has made them."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    original = models.ImageField(
        _("原图"), upload_to=listing_photo_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("宽度"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("高度"), null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    renditions = models.JSONField(_("缩略图"), default=dict, blank=True)
    renditions_ready = models.BooleanField(_("缩略图已生成"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("商品照片")
        verbose_name_plural = _("商品照片")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.listing_id}#{self.position}"


class ModerationDecision(models.Model):
    """One step in a listing's life, written by farmers.services with who did it and when:
    the log county operators read under each listing in the county Wagtail admin.

    Immutable: never edited or deleted (save() refuses updates, delete() refuses).
    """

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("提交审核")
        APPROVED = "approved", _("审核通过")
        REJECTED = "rejected", _("驳回")
        DELISTED = "delisted", _("下架")
        RELISTED = "relisted", _("重新上架")
        RETURNED_TO_REVIEW = "returned_to_review", _("修改后重新审核")

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="decisions")
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    from_state = models.CharField(_("原状态"), max_length=16, choices=Listing.State.choices)
    to_state = models.CharField(_("新状态"), max_length=16, choices=Listing.State.choices)
    reason = models.TextField(_("原因"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["listing", "-at"], name="farmers_decision_listing_idx")]

    def __str__(self):
        return f"{self.listing_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("moderation decisions are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("moderation decisions are immutable")


# ------------------------------------------------------------------------------
# Bulk import (farmers.imports)
# ------------------------------------------------------------------------------
class ImportJob(models.Model):
    """One CSV/XLSX file of sellers and listings uploaded by a county operator in the county
    Wagtail admin (批量导入) or given to `manage.py import_listings`.

    The file is checked and read when uploaded (a bad file is refused whole, nothing saved);
    its rows are kept here and worked through by farmers.import_tasks.farmers_import_run,
    which fills in the progress counters and one ImportRowResult per row.
    """

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
