"""The province: counties (tenants), their domains and their rolled-up figures.

All of these live in the public schema. They never point at county rows; county figures are
copied here as summaries (DESIGN.md section 3).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.postgresql_backend.base import _check_schema_name

from core.money import yuan

county_code_validator = RegexValidator(
    r"^[0-9]{6}\Z", _("县级行政区划代码必须是6位数字（GB/T 2260），例如 330523。")
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

    # TenantMixin's field again, as it was, with a name the province admin shows in Chinese.
    schema_name = models.CharField(
        _("数据库模式"),
        max_length=63,
        unique=True,
        db_index=True,
        validators=[_check_schema_name],
    )

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
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

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

    # DomainMixin's fields again, as they were, with names the province admin shows in Chinese.
    domain = models.CharField(_("域名"), max_length=253, unique=True, db_index=True)
    tenant = models.ForeignKey(
        settings.TENANT_MODEL,
        verbose_name=_("县"),
        db_index=True,
        related_name="domains",
        on_delete=models.CASCADE,
    )
    is_primary = models.BooleanField(_("主域名"), default=True, db_index=True)

    class Meta:
        verbose_name = _("域名")
        verbose_name_plural = _("域名")

    def __str__(self):
        return self.domain


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
        # Choices and admin filters print the category by str(): in the reader's language.
        if self.parent_id:
            return f"{self.parent.display_name} > {self.display_name}"
        return self.display_name

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


class VocabularyTerm(models.Model):
    """A word of a province vocabulary: a stored code, its Chinese and English names, its place
    in pick lists. A term in use is never deleted (county rows store its code): set it inactive,
    and it stops being offered while old rows still show its name."""

    code = models.SlugField(
        _("代码"),
        max_length=20,
        unique=True,
        help_text=_("保存在商品和订单里的英文短代码，创建后不能修改。"),
    )
    name = models.CharField(_("名称"), max_length=32)
    name_en = models.CharField(_("英文名称"), max_length=64, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return in_reader_language(self.name, self.name_en)


class SaleUnit(VocabularyTerm):
    """A unit of sale (斤, 箱 …) offered to every county's sellers (hub.vocabulary)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("计量单位")
        verbose_name_plural = _("计量单位")


class CertificationKind(VocabularyTerm):
    """A kind of certificate a listing may carry (绿色食品 …), and whether its number is asked."""

    number_required = models.BooleanField(
        _("必须填写证书编号"),
        default=True,
        help_text=_("买家可以凭编号向发证机构查证的认证应当勾选。"),
    )

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("认证类型")
        verbose_name_plural = _("认证类型")


class CountyHandOff(models.Model):
    """A province operator's hand-off into a county's admin: one signed link, used once within a
    minute (hub.services.county_handoff_start / county_handoff_redeem).

    Written by the service only; province staff read the log in the province admin (hub host
    /admin/ > 进入县后台记录). It stays in public with the province's user: a county's own users
    never see it.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("省级运营人员"),
        on_delete=models.PROTECT,
        related_name="county_handoffs",
    )
    # Kept beside the key: the log must still say who, even read from a county's schema,
    # where the user table is the county's own.
    actor_username = models.CharField(_("用户名"), max_length=150)
    county = models.ForeignKey(
        County, verbose_name=_("县"), on_delete=models.PROTECT, related_name="handoffs"
    )
    nonce = models.CharField(max_length=32, unique=True, editable=False)
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    ip = models.GenericIPAddressField(_("发起地址"), null=True, blank=True)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    used_ip = models.GenericIPAddressField(_("使用地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("进入县后台记录")
        verbose_name_plural = _("进入县后台记录")
        ordering = ["-created_at", "-pk"]
        permissions = [("enter_county_admin", _("可以进入县后台"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(used_at__isnull=True)
                | models.Q(used_at__gte=models.F("created_at")),
                name="hub_countyhandoff_used_after_created",
            )
        ]

    def __str__(self):
        return f"{self.actor_username} → {self.county.name} ({self.created_at:%Y-%m-%d %H:%M:%S})"


# The service points' share is at most 30 % of what they hand over (as
# service_points.models.COMMISSION_RATE_MAX, which hub, being lower, cannot import).
POINT_SHARE_MAX_BP = 3_000


class CommissionRule(models.Model):
    """One change of the province's commission policy (issue 10, point 3), never edited after.

    The policy is the history of these rows: the rate in force for a scope at a time is the
    latest row of that scope with `effective_from` at or before it (hub.commission_policy).
    A scope is the province (no county, no category), a county, a category, or a county and a
    category. `rate_bp` empty withdraws an override, so the wider scope applies again; the
    province scope always has a rate. Counties read these rows when an order is placed and
    snapshot the result, so a change reaches every county at once and never touches an order
    placed before it.

    Two kinds: the platform's commission on a line (basis points of the line's value), and the
    service points' share of what they hand over (the province default, per county; the
    county's own setting and a point's own rate win over it, service_points.selectors).
    """

    class Kind(models.TextChoices):
        PLATFORM = "platform", _("平台佣金")
        POINT_SHARE = "point_share", _("服务点分成")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    county = models.ForeignKey(
        County,
        verbose_name=_("县"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commission_rules",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("类目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commission_rules",
    )
    rate_bp = models.PositiveIntegerField(
        _("费率（基点）"),
        null=True,
        blank=True,
        help_text=_("100 基点 = 1%；留空表示撤销此项单独设置。"),
    )
    effective_from = models.DateTimeField(_("生效时间"), db_index=True)
    set_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("设置人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佣金政策")
        verbose_name_plural = _("佣金政策")
        ordering = ["-effective_from", "-pk"]
        indexes = [
            models.Index(
                fields=["kind", "county", "category", "-effective_from"],
                name="hub_commission_rule_scope_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["platform", "point_share"]),
                name="hub_commission_rule_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(rate_bp__isnull=True) | models.Q(rate_bp__lte=10_000),
                name="hub_commission_rule_rate_range",
            ),
            # The service points' share is per county at most, never per category.
            models.CheckConstraint(
                condition=~models.Q(kind="point_share") | models.Q(category__isnull=True),
                name="hub_commission_rule_point_share_no_category",
            ),
            # The province's own rate is the last resort: it can be changed, never withdrawn.
            models.CheckConstraint(
                condition=models.Q(county__isnull=False)
                | models.Q(category__isnull=False)
                | models.Q(rate_bp__isnull=False),
                name="hub_commission_rule_province_rate_set",
            ),
        ]

    def __str__(self):
        scope = " / ".join(
            str(part) for part in (self.county, self.category) if part is not None
        ) or str(_("全省"))
        return f"{self.get_kind_display()} {scope}: {self.rate_display}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind == self.Kind.POINT_SHARE and self.category_id is not None:
            raise ValidationError({"category": _("服务点分成只能按县设置，不能按类目设置。")})
        if self.rate_bp is None and self.county_id is None and self.category_id is None:
            raise ValidationError({"rate_bp": _("全省默认费率不能留空。")})
        ceiling = POINT_SHARE_MAX_BP if self.kind == self.Kind.POINT_SHARE else 10_000
        if self.rate_bp is not None and self.rate_bp > ceiling:
            raise ValidationError(
                {"rate_bp": _("费率不能超过 %(max)s%%。") % {"max": ceiling // 100}}
            )

    @property
    def rate_display(self) -> str:
        """The rate as a percentage (500 -> 5.00%), or a dash for a withdrawn override."""
        if self.rate_bp is None:
            return "—"
        return f"{self.rate_bp / 100:.2f}%"


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
        from hub.vocabulary import unit_label

        return unit_label(self.unit)

    @property
    def certification_labels(self) -> list[str]:
        from hub.vocabulary import certification_label

        return [certification_label(kind) for kind in self.certifications]


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


class ProvinceJob(models.Model):
    """What a job the province admin asks for and a Celery worker runs has in common: its
    state, who asked, when it was asked, started and finished, and why it failed. Subclasses
    add what the job is about (CountyCreation, RollUpRun)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.QUEUED)
    error = models.TextField(_("失败原因"), blank=True)
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
        abstract = True
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["queued", "running", "done", "failed"]),
                name="%(app_label)s_%(class)s_state_valid",
            ),
        ]

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class CountyCreation(ProvinceJob):
    """One request to create a county, run by hub.tasks.county_creation_run on a Celery worker
    so the web worker never waits for the clone (issue 10). The province admin shows its
    progress; a failed job has removed everything it made and says why in `error`."""

    code = models.CharField(_("行政区划代码"), max_length=6)
    slug = models.CharField(_("标识"), max_length=56)
    name = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    progress_text = models.CharField(_("进度"), max_length=255, blank=True)
    progress_percent = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
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

    class Meta(ProvinceJob.Meta):
        verbose_name = _("新建县任务")
        verbose_name_plural = _("新建县任务")
        constraints = [
            *ProvinceJob.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(progress_percent__lte=100),
                name="hub_countycreation_percent_max_100",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code}): {self.get_state_display()}"


class RollUpRun(ProvinceJob):
    """One roll-up of the counties' monthly figures (hub.rollups), nightly from beat or asked
    for in the province admin (统计报表 > 立即重算). Each county's part runs in its schema
    (hub.tasks.rollup_county) and adds one to `counties_done`; a county that fails marks the
    run failed, says why in `error` and leaves that county's earlier rows as they were."""

    class Trigger(models.TextChoices):
        NIGHTLY = "nightly", _("每晚自动")
        ON_DEMAND = "on_demand", _("手动重算")

    trigger = models.CharField(_("触发方式"), max_length=16, choices=Trigger.choices)
    # The first month recomputed (its first day); empty: from each county's first activity.
    month_from = models.DateField(_("起始月份"), null=True, blank=True)
    month_to = models.DateField(_("截止月份"))
    counties_total = models.PositiveIntegerField(_("县数"), default=0)
    counties_done = models.PositiveIntegerField(_("已完成县数"), default=0)
    counties_failed = models.PositiveIntegerField(_("失败县数"), default=0)

    class Meta(ProvinceJob.Meta):
        verbose_name = _("统计任务")
        verbose_name_plural = _("统计任务")
        constraints = [
            *ProvinceJob.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(trigger__in=["nightly", "on_demand"]),
                name="hub_rolluprun_trigger_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_trigger_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def progress_percent(self) -> int:
        if not self.counties_total:
            return 100 if self.is_finished else 0
        finished = self.counties_done + self.counties_failed
        return min(100, finished * 100 // self.counties_total)


class CountyMonthFigure(models.Model):
    """One figure (hub.rollups.FIGURES, by key) of one county for one month (its first day,
    local time). Replaced as a whole per county and month by each roll-up."""

    county = models.ForeignKey(
        County, verbose_name=_("县"), on_delete=models.CASCADE, related_name="month_figures"
    )
    month = models.DateField(_("月份"))
    key = models.CharField(_("指标"), max_length=48)
    value = models.BigIntegerField(_("数值"))
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("县月度指标")
        verbose_name_plural = _("县月度指标")
        ordering = ["county", "month", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "month", "key"], name="hub_countymonthfigure_unique"
            )
        ]
        indexes = [models.Index(fields=["month", "key"], name="hub_cmf_month_key_idx")]

    def __str__(self):
        return f"{self.county_id} {self.month:%Y-%m} {self.key}={self.value}"


class PointMonthFigure(models.Model):
    """One figure of one service point of a county for one month. The point lives in the
    county's schema, so it is kept by id with its name and village as they were when computed
    (public rows never point into a county)."""

    county = models.ForeignKey(
        County, verbose_name=_("县"), on_delete=models.CASCADE, related_name="point_figures"
    )
    point_id = models.PositiveIntegerField(_("服务点编号"))
    point_name = models.CharField(_("服务点"), max_length=64)
    village = models.CharField(_("所在村"), max_length=64, blank=True)
    month = models.DateField(_("月份"))
    key = models.CharField(_("指标"), max_length=48)
    value = models.BigIntegerField(_("数值"))
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("服务点月度指标")
        verbose_name_plural = _("服务点月度指标")
        ordering = ["county", "point_id", "month", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "point_id", "month", "key"],
                name="hub_pointmonthfigure_unique",
            )
        ]
        indexes = [models.Index(fields=["county", "month"], name="hub_pmf_county_month_idx")]

    def __str__(self):
        return f"{self.county_id}/{self.point_id} {self.month:%Y-%m} {self.key}={self.value}"
