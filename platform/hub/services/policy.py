"""Changes of the province's commission policy: each one a new hub.models.CommissionRule row
(who, when, from when), never an edit, so the rate in force at any past time stays known.

Only province staff change it, in the public schema (the province admin, hub host /admin/ >
佣金政策): county users live in county schemas and never reach it.
"""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name

from core.errors import ApplicationError, full_clean_or_refuse
from hub.models import Category, CommissionRule, County

MSG_PROVINCE_ONLY = _("只有省级运营人员可以修改佣金政策。")
MSG_NO_BACKDATING = _("生效时间不能早于现在。")

PERMISSION = "hub.add_commissionrule"


def commission_policy_can_change(user) -> bool:
    """Province staff with the permission, in the public schema (where province users are)."""
    if connection.schema_name != get_public_schema_name():
        return False
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.has_perm(PERMISSION)
    )


@transaction.atomic
def commission_rule_set(
    *,
    kind: str,
    rate_bp: int | None,
    by,
    county: County | None = None,
    category: Category | None = None,
    effective_from: dt.datetime | None = None,
    note: str = "",
) -> CommissionRule:
    """Record a new rate for one scope from `effective_from` (now when not given; never in the
    past). `rate_bp` None withdraws a county's or a category's override. Orders already placed
    keep the rate they snapshotted."""
    if not commission_policy_can_change(by):
        raise ApplicationError(MSG_PROVINCE_ONLY)
    now = timezone.now()
    # A new rule starts now or later: the rate in force in the past is what orders were
    # placed at, and rewriting it would make the history lie about them.
    if effective_from is not None and effective_from < now:
        raise ApplicationError(MSG_NO_BACKDATING, field="effective_from")
    rule = CommissionRule(
        kind=kind,
        county=county,
        category=category,
        rate_bp=rate_bp,
        effective_from=effective_from or now,
        set_by=by,
        note=(note or "").strip(),
    )
    full_clean_or_refuse(rule)
    rule.save()
    return rule
