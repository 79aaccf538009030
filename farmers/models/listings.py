"""Listings and everything a listing carries: certifications, traceability batches, photos
and its moderation log. Written through farmers.services."""

import secrets
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import yuan
from farmers.models.sellers import Seller
from hub.taxonomy import Unit
from hub.vocabulary import certificate_number_required, certification_choices, unit_choices

# Public traceability codes: no 0/o/1/l/i so a code read aloud or copied from a label survives.
TRACE_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TRACE_CODE_LENGTH = 12


def trace_code_new() -> str:
    return "".join(secrets.choice(TRACE_CODE_ALPHABET) for _i in range(TRACE_CODE_LENGTH))


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
    unit = models.CharField(_("单位"), max_length=16, choices=unit_choices, default=Unit.JIN)
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
    kind = models.CharField(_("认证类型"), max_length=20, choices=certification_choices)
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
        if certificate_number_required(self.kind) and not self.certificate_number.strip():
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

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

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
