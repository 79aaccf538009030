from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.forms import ProvinceStaffLoginForm
from accounts.models import User

# The province admin's password login locks after repeated failures (accounts.lockout).
admin.site.login_form = ProvinceStaffLoginForm
admin.site.login_template = "accounts/province_admin_login.html"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Province staff accounts, in the province admin on the hub host."""

    list_display = ("username", "mobile", "is_staff", "is_superuser", "last_login")
    fieldsets = (*DjangoUserAdmin.fieldsets, (None, {"fields": ("mobile",)}))
