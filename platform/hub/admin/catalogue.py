"""The province catalogue in the province admin (hub host /admin/): the index, read only
(written by the counties' sync tasks), and the specialities the province operator picks for
the portal's home page. Imported by hub.admin."""

from django.contrib import admin

from core.money import yuan
from hub.models import ProvinceListing, ProvinceSpeciality


@admin.register(ProvinceListing)
class ProvinceListingAdmin(admin.ModelAdmin):
    list_display = ("title", "county", "category", "price", "unit", "stock", "updated_at")
    list_filter = ("county", "category")
    search_fields = ("title", "search_text")
    list_select_related = ("county", "category")

    @admin.display(description=ProvinceListing._meta.get_field("price_fen").verbose_name)
    def price(self, obj):
        return yuan(obj.price_fen)

    # The counties write this index; here it is only read (and picked from).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProvinceSpeciality)
class ProvinceSpecialityAdmin(admin.ModelAdmin):
    list_display = ("listing", "note", "sort_order")
    list_editable = ("note", "sort_order")
    list_select_related = ("listing__county",)
    autocomplete_fields = ("listing",)
    fields = ("listing", "note", "sort_order")
