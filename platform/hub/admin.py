"""The province admin on the hub host: counties, their domains and figures."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hub.admin_handoff import CountyHandOffAdminMixin
from hub.forms import CountyCreateForm
from hub.models import Category, CommissionRule, County, CountyDomain, CountyStats
from hub.policy_admin import CommissionRuleAdmin
from hub.services import county_create, county_reactivate, county_suspend


class CountyDomainInline(admin.TabularInline):
    model = CountyDomain
    extra = 0


@admin.register(County)
class CountyAdmin(CountyHandOffAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "slug", "status", "created_at", "handoff_button")
    list_filter = ("status",)
    search_fields = ("code", "name", "name_en", "slug")
    readonly_fields = ("schema_name", "code", "slug", "status", "created_at", "updated_at")
    fields = (
        "code", "name", "name_en", "slug", "schema_name", "status",
        "contact_name", "contact_phone", "created_at", "updated_at",
    )  # fmt: skip
    inlines = [CountyDomainInline]
    actions = ["suspend", "reactivate"]

    def get_queryset(self, request):
        return super().get_queryset(request).counties()

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            return CountyCreateForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return list(CountyCreateForm.base_fields) if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_inlines(self, request, obj):
        return [] if obj is None else self.inlines

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = county_create(**form.cleaned_data)
        obj.pk = created.county.pk
        self.message_user(
            request,
            _("运营人员账号 %(user)s，初始密码 %(password)s（只显示这一次）。")
            % {"user": created.operator_username, "password": created.operator_password},
            messages.WARNING,
        )

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    @admin.action(description=_("暂停所选的县"))
    def suspend(self, request, queryset):
        for county in queryset:
            county_suspend(county=county)
        count = queryset.count()
        self.message_user(
            request, ngettext("已暂停 %(n)d 个县。", "已暂停 %(n)d 个县。", count) % {"n": count}
        )

    @admin.action(description=_("恢复所选的县"))
    def reactivate(self, request, queryset):
        for county in queryset:
            county_reactivate(county=county)
        count = queryset.count()
        self.message_user(
            request, ngettext("已恢复 %(n)d 个县。", "已恢复 %(n)d 个县。", count) % {"n": count}
        )


@admin.register(CountyStats)
class CountyStatsAdmin(admin.ModelAdmin):
    list_display = ("county", "users", "sellers", "orders", "sales_fen", "pages", "refreshed_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The province taxonomy: county listings choose from the active categories."""

    list_display = ("name", "name_en", "slug", "parent", "sort_order", "is_active")
    list_filter = ("is_active", "parent")
    list_editable = ("sort_order", "is_active")
    search_fields = ("name", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # Two levels only: a parent is always a top-level category.
            kwargs["queryset"] = Category.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # Listings in every county may point at a category: deactivate it instead.
        return False


# The commission policy (issue 10, point 3) has its own module; registered here with the rest.
admin.site.register(CommissionRule, CommissionRuleAdmin)
# The province catalogue's screens live in their own module; importing it registers them.
import hub.catalogue_admin  # noqa: E402, F401
