"""The province admin's side of the hand-off into a county (hub.services.handoff): the "进入县后台"
button on the county list and change page, and the read-only log of every hand-off.

A module of the province admin package; CountyAdmin (hub.admin) mixes it in.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.client_ip import client_ip
from core.errors import ApplicationError
from hub.models import County, CountyHandOff
from hub.services.handoff import county_handoff_start, is_province_operator

HANDOFF_URL_NAME = "hub_county_handoff"


class CountyHandOffAdminMixin:
    """For CountyAdmin: the hand-off URL `<county id>/handoff/` (POST) and its buttons."""

    change_form_template = "hub/admin/county_change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(never_cache(self.handoff_view)))
        return [path("<int:county_id>/handoff/", view, name=HANDOFF_URL_NAME), *super().get_urls()]

    def handoff_view(self, request, county_id: int):
        county = get_object_or_404(County.objects.counties(), pk=county_id)
        try:
            url = county_handoff_start(
                actor=request.user,
                county=county,
                ip=client_ip(request),
                scheme=request.scheme,
                port=request.get_port(),
            )
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:hub_county_changelist"))
        return HttpResponseRedirect(url)

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if is_province_operator(request.user):
            return shown
        return [name for name in shown if name != "handoff_button"]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["handoff_allowed"] = is_province_operator(request.user)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    @admin.display(description=_("县后台"))
    def handoff_button(self, county: County):
        if not county.is_active:
            return "—"
        # Inside the change list's own form (which carries the CSRF token): the button posts
        # that form to the hand-off URL instead. No JavaScript.
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post"'
            ' style="white-space:nowrap">{}</button>',
            reverse(f"admin:{HANDOFF_URL_NAME}", args=[county.pk]),
            _("进入县后台"),
        )


@admin.register(CountyHandOff)
class CountyHandOffAdmin(admin.ModelAdmin):
    """Who entered which county's admin, when, from where; written only by the hand-off."""

    list_display = ("created_at", "actor_username", "county", "ip", "used_at", "used_ip")
    # Only counties that have hand-offs: never the template schema.
    list_filter = (("county", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("actor_username",)
    date_hierarchy = "created_at"
    list_select_related = ("county",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
