"""The province: counties (tenants), their domains and their rolled-up figures.

All of these live in the public schema. They never point at county rows; county figures are
copied here as summaries (DESIGN.md section 3).
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

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


class CountyCreation(models.Model):
    """One request to create a county, run by hub.tasks.county_creation_run on a Celery worker
    so the web worker never waits for the clone (issue 10). The province admin shows its
    progress; a failed job has removed everything it made and says why in `error`."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    code = models.CharField(_("行政区划代码"), max_length=6)
    slug = models.CharField(_("标识"), max_length=56)
    name = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.QUEUED)
    progress_text = models.CharField(_("进度"), max_length=255, blank=True)
    progress_percent = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    error = models.TextField(_("失败原因"), blank=True)
    county = models.ForeignKey(
        County,
        verbose_name=_("县"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    operator_username = models.CharField(_("运营人员账号"), max_length=150, blank=True)
    # Shown once to whoever asked, then blanked (hub.services.county_creation_password_take).
    operator_password = models.CharField(max_length=64, blank=True, editable=False)
    requested_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("新建县任务")
        verbose_name_plural = _("新建县任务")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["queued", "running", "done", "failed"]),
                name="hub_countycreation_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(progress_percent__lte=100),
                name="hub_countycreation_percent_max_100",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code}): {self.get_state_display()}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
