"""The province's vocabularies in the province admin: units of sale and certification kinds.

A term is never deleted (county listings and orders store its code) and its code never changes
once made; a term set inactive is no longer offered but still names the rows that use it.
"""

from django.contrib import admin

from hub.models import CertificationKind, SaleUnit


class VocabularyTermAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "name_en", "code")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SaleUnit)
class SaleUnitAdmin(VocabularyTermAdmin):
    pass


@admin.register(CertificationKind)
class CertificationKindAdmin(VocabularyTermAdmin):
    list_display = ("name", "name_en", "code", "number_required", "sort_order", "is_active")
