"""The province: counties (tenants), their domains and their rolled-up figures.

All of these live in the public schema. They never point at county rows; county figures are
copied here as summaries (DESIGN.md section 3).
"""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from core.money import yuan
from hub.taxonomy import Certification, Unit

county_code_validator = RegexValidator(
    r"^\d{6}\Z", _("县级行政区划代码必须是6位数字（GB/T 2260），例如 330523。")
)


def in_reader_language(name: str, name_en: str) -> str:
    """English readers get the English name where one is set; everyone else the Chinese one.
    Province and county names are data, not gettext messages."""
    language = get_language() or ""
    return name_en if name_en and language.startswith("en") else name


class CountyQuerySet(models.QuerySet):
    def counties(self):
        """Real counties: everything but the template schema that new counties are cloned from."""
        return self.filter(is_template=False)

    def active(self):
        return self.counties().filter(status=County.Status.ACTIVE)


class County(TenantMixin):
    """A county storefront: one PostgreSQL schema `county_<slug>`.

    Created with `create_county` or by province staff in the province admin (hub host /admin/),
    where they also suspend and reactivate it.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("运营中")
        SUSPENDED = "suspended", _("已暂停")

    code = models.CharField(
        _("行政区划代码"), max_length=6, unique=True, validators=[county_code_validator]
    )
    name = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128, blank=True)
    slug = models.SlugField(_("标识"), max_length=50, unique=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    # The template schema is a County row too, so migrate_schemas keeps it up to date.
    is_template = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Schemas are created by hub.services.county_create (clone of the template) and never
    # dropped by deleting a row by accident.
    auto_create_schema = True
    auto_drop_schema = False

    objects = CountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("县")
        verbose_name_plural = _("县")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "suspended"]),
                name="hub_county_status_valid",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def display_name(self) -> str:
        """The name in the reader's language (the active one): 安吉县 or Anji County."""
        return in_reader_language(self.name, self.name_en)


class CountyDomain(DomainMixin):
    """A host name that serves a county, e.g. anji.localhost. The primary one is made by
    county_create; province staff may add more in the province admin."""

    class Meta:
        verbose_name = _("域名")
        verbose_name_plural = _("域名")

    def __str__(self):
        return self.domain


class CountyStats(models.Model):
    """A county's figures rolled up for the province, refreshed by hub.tasks.county_refresh_stats.

    Stored by county id: public rows never point into a county schema.
    """

    county = models.OneToOneField(County, on_delete=models.CASCADE, related_name="stats")
    users = models.PositiveIntegerField(_("注册用户"), default=0)
    sellers = models.PositiveIntegerField(_("卖家"), default=0)
    orders = models.PositiveIntegerField(_("订单"), default=0)
    sales_fen = models.BigIntegerField(_("销售额（分）"), default=0)
    pages = models.PositiveIntegerField(_("页面"), default=0)
    refreshed_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("县级汇总")
        verbose_name_plural = _("县级汇总")

    def __str__(self):
        return f"{self.county}: {self.users}"


class Category(models.Model):
    """A province category for produce and goods, in at most two levels (蔬菜 > 叶菜).

    Province staff edit them in the province admin (hub host /admin/ > 类目); county listings
    point at them (farmers.Listing.category), so a category in use is never deleted: set it
    inactive instead. Seeded with the DESIGN.md top level by migration 0003.
    """

    name = models.CharField(_("名称"), max_length=32)
    name_en = models.CharField(_("英文名称"), max_length=64, blank=True)
    slug = models.SlugField(_("标识"), max_length=64, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级类目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("类目")
        verbose_name_plural = _("类目")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                nulls_distinct=False,
                name="hub_category_name_unique_per_parent",
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="hub_category_not_own_parent"
            ),
        ]

    def __str__(self):
        if self.parent_id:
            return f"{self.parent.name} > {self.name}"
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (the active one): 茶叶 or Tea."""
        return in_reader_language(self.name, self.name_en)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.parent_id is None:
            return
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("类目不能是自己的上级。")})
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": _("类目最多两级：上级类目必须是一级类目。")})
        if self.pk and self.children.exists():
            raise ValidationError({"parent": _("已有下级类目的类目不能再设上级。")})


class ProvinceListing(models.Model):
    """One approved listing of one county in the province catalogue (the hub portal's search).

    A copy, kept current from inside each county by
    county_sites.catalogue.tasks.province_index_sync (approve, delist, price, stock) and rebuilt
    nightly; written only through hub.services.province_listing_upsert / _remove. Stored by
    county and listing id: public rows never point into a county schema.
    """

    county = models.ForeignKey(
        County, verbose_name=_("县"), on_delete=models.CASCADE, related_name="+"
    )
    listing_id = models.PositiveIntegerField(_("商品编号"))
    title = models.CharField(_("标题"), max_length=80)
    price_fen = models.PositiveIntegerField(_("单价（分）"))
    unit = models.CharField(_("单位"), max_length=16)
    category = models.ForeignKey(
        Category, verbose_name=_("类目"), on_delete=models.CASCADE, related_name="+"
    )
    # The card rendition's path on the county's host (/media/listings/...); "" without photo.
    photo_path = models.CharField(_("照片地址"), max_length=200, blank=True)
    certifications = ArrayField(
        models.CharField(max_length=20), verbose_name=_("认证"), default=list, blank=True
    )
    stock = models.PositiveIntegerField(_("库存"), default=0)
    # Title in characters, full pinyin and initials, lowercased: "安吉白茶 anjibaicha ajbc".
    search_text = models.CharField(max_length=400, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("省级商品索引")
        verbose_name_plural = _("省级商品索引")
        ordering = ["county_id", "-listing_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "listing_id"], name="hub_province_listing_one_per_listing"
            )
        ]
        indexes = [models.Index(fields=["category", "county"], name="hub_prov_listing_filter_idx")]

    def __str__(self):
        return f"{self.title} ({self.county_id}#{self.listing_id})"

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def price_yuan(self) -> str:
        return yuan(self.price_fen)

    @property
    def unit_label(self) -> str:
        return str(dict(Unit.choices).get(self.unit, self.unit))

    @property
    def certification_labels(self) -> list[str]:
        labels = dict(Certification.choices)
        return [str(labels.get(kind, kind)) for kind in self.certifications]


class ProvinceSpeciality(models.Model):
    """A speciality the province operator puts on the hub portal's home page, in order.

    Edited in the province admin (hub host /admin/ > 特色推荐). It points at the catalogue row,
    so a listing that is delisted leaves the home page with it; pick it again once relisted.
    """

    listing = models.OneToOneField(
        ProvinceListing,
        verbose_name=_("商品"),
        on_delete=models.CASCADE,
        related_name="speciality",
    )
    note = models.CharField(_("推荐语"), max_length=60, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("特色推荐")
        verbose_name_plural = _("特色推荐")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return str(self.listing)
