"""The province admin on the hub host: counties, their domains and figures."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hub.admin.counties import CountyOperationsMixin
from hub.admin.handoff import CountyHandOffAdminMixin
from hub.admin.policy import CommissionRuleAdmin
from hub.forms import CountyChangeForm, CountyDomainFormSet
from hub.models import Category, CommissionRule, County, CountyCreation, CountyDomain, RollUpRun
from hub.selectors.rollups import counties_with_current_figures
from hub.services import county_reactivate, county_suspend
from hub.services.counties import county_update


class CountyDomainInline(admin.TabularInline):
    model = CountyDomain
    formset = CountyDomainFormSet
    extra = 0


@admin.register(County)
class CountyAdmin(CountyHandOffAdminMixin, CountyOperationsMixin, admin.ModelAdmin):
    """New counties are made by the job form (hub.admin.counties.CountyOperationsMixin.create_view);
    a province operator enters a county's own admin by the hand-off (hub.admin.handoff)."""

    list_display = (
        "code", "name", "slug", "status", "stats_users", "stats_orders", "stats_sales",
        "stats_refreshed", "created_at", "handoff_button",
    )  # fmt: skip
    list_filter = ("status",)
    search_fields = ("code", "name", "name_en", "slug")
    readonly_fields = (
        "schema_name", "code", "slug", "status", "status_change", "operators", "created_at",
        "updated_at",
    )  # fmt: skip
    fields = (
        "code", "name", "name_en", "slug", "schema_name", "status", "status_change",
        "contact_name", "contact_phone", "operators", "created_at", "updated_at",
    )  # fmt: skip
    form = CountyChangeForm
    inlines = [CountyDomainInline]
    actions = ["suspend", "reactivate"]

    def get_queryset(self, request):
        return counties_with_current_figures(super().get_queryset(request).counties())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        county_update(
            county=obj,
            name=data["name"],
            name_en=data["name_en"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
        )

    @admin.display(description=_("暂停或恢复"))
    def status_change(self, county):
        if county.is_active:
            url, label = reverse("admin:hub_county_suspend", args=[county.pk]), _("暂停这个县……")
        else:
            url, label = reverse("admin:hub_county_reactivate", args=[county.pk]), _("恢复这个县……")
        return format_html('<a class="button" href="{}">{}</a>', url, label)

    @admin.display(description=_("运营人员"))
    def operators(self, county):
        url = reverse("admin:hub_county_operators", args=[county.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("管理运营人员……"))

    @admin.action(description=_("暂停所选的县"))
    def suspend(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            return self.action_confirm(request, queryset, "suspend", _("暂停所选的县"))
        for county in queryset:
            county_suspend(county=county)
        count = queryset.count()
        self.message_user(
            request, ngettext("已暂停 %(n)d 个县。", "已暂停 %(n)d 个县。", count) % {"n": count}
        )

    @admin.action(description=_("恢复所选的县"))
    def reactivate(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            return self.action_confirm(request, queryset, "reactivate", _("恢复所选的县"))
        for county in queryset:
            county_reactivate(county=county)
        count = queryset.count()
        self.message_user(
            request, ngettext("已恢复 %(n)d 个县。", "已恢复 %(n)d 个县。", count) % {"n": count}
        )


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


@admin.register(CountyCreation)
class CountyCreationAdmin(admin.ModelAdmin):
    """The record of county creation jobs; each links to its status page."""

    list_display = (
        "name",
        "code",
        "slug",
        "state",
        "progress_percent",
        "requested_by",
        "created_at",
    )
    list_filter = ("state",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:hub_county_creation", pk=object_id)


# The commission policy (issue 10, point 3) has its own module; registered here with the rest.
admin.site.register(CommissionRule, CommissionRuleAdmin)
# The province catalogue's screens live in their own module; importing it registers them.
import hub.admin.catalogue  # noqa: E402, F401
import hub.admin.vocabulary  # noqa: E402, F401

# The roll-up's runs and its dashboard (统计报表), in their own module.
from hub.admin.rollups import RollUpRunAdmin  # noqa: E402

admin.site.register(RollUpRun, RollUpRunAdmin)
# The home page with the month's key figures on top. By its own name: django_tenants, before
# hub in INSTALLED_APPS, has an admin/index.html of its own that would win over hub's.
admin.site.index_template = "hub/admin/index.html"
