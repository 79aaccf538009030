"""The commission policy in the province admin (hub host /admin/ > 佣金政策): a list of every
change, the latest first, and a form to add one, rates entered and shown as percentages.
Rows are history: never edited nor deleted (hub.services.policy)."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.models import CommissionRule, County
from hub.services.policy import (
    MSG_NO_BACKDATING,
    commission_policy_can_change,
    commission_rule_set,
)


class CommissionRuleForm(forms.ModelForm):
    rate_percent = forms.DecimalField(
        label=_("费率（%）"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        help_text=_("例如 5 即 5%；留空表示撤销此县或此类目的单独设置。"),
    )

    class Meta:
        model = CommissionRule
        fields = ("kind", "county", "category", "effective_from", "note")
        help_texts = {"effective_from": _("留空即刻生效；不能早于现在。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_from"].required = False

    def clean(self):
        cleaned = super().clean()
        percent = cleaned.get("rate_percent")
        self.instance.rate_bp = None if percent is None else int(percent * 100)
        starts = cleaned.get("effective_from")
        if starts is not None and starts < timezone.now():
            self.add_error("effective_from", MSG_NO_BACKDATING)
        return cleaned


class CommissionRuleAdmin(admin.ModelAdmin):
    form = CommissionRuleForm
    list_display = ("kind", "county", "category", "rate", "effective_from", "set_by", "note")
    list_filter = ("kind", "county", "category")
    list_select_related = ("county", "category", "set_by")
    date_hierarchy = "effective_from"

    @admin.display(description=_("费率"), ordering="rate_bp")
    def rate(self, obj):
        return obj.rate_display

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "county":
            # Not the template schema new counties are cloned from.
            kwargs["queryset"] = County.objects.counties()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return commission_policy_can_change(request.user)

    def has_change_permission(self, request, obj=None):
        # Viewing only: a change is a new row, so the rate in force at any time stays known.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = commission_rule_set(
            kind=obj.kind,
            rate_bp=obj.rate_bp,
            by=request.user,
            county=obj.county,
            category=obj.category,
            effective_from=form.cleaned_data.get("effective_from"),
            note=obj.note,
        )
        obj.pk = saved.pk
        obj._state.adding = False
