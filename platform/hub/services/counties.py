"""Writes for a county's details kept in the hub: names and contact, and who operates it.

A county's operators are users of the county's own schema (accounts.User there), members of
its County operators group (core.roles): the hub enters the county to change them.
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import tenant_context

from accounts.models import User
from accounts.services import mobile_normalize, user_resident_get_or_create
from core.errors import ApplicationError, full_clean_or_refuse
from core.roles import COUNTY_OPERATORS_GROUP
from hub.models import County
from hub.validation import MSG_NAME_REQUIRED, county_contact_check

MSG_NO_SUCH_USER = _("%(county)s 没有用户名为 “%(who)s” 的用户：请填写手机号码或已有的用户名。")
MSG_ALREADY_OPERATOR = _("%(who)s 已经是 %(county)s 的运营人员。")
MSG_NOT_OPERATOR = _("%(who)s 不是 %(county)s 的运营人员。")
MSG_LAST_OPERATOR = _("%(county)s 至少要保留一名运营人员，请先添加另一名再移除 %(who)s。")
MSG_WHO_REQUIRED = _("请填写手机号码或用户名。")
MSG_TEMPLATE = _("模板不是一个县，不能这样修改。")


@dataclass(frozen=True)
class OperatorAssigned:
    username: str
    # Set when the person had no password yet (a new account): shown once to the hub operator.
    password: str


def _refuse_template(county: County) -> None:
    if county.is_template:
        raise ApplicationError(MSG_TEMPLATE)


@transaction.atomic
def county_update(
    *, county: County, name: str, name_en: str, contact_name: str, contact_phone: str
) -> County:
    """Change a county's names and contact. Code, slug and schema never change: the schema
    and the domain are named after the slug."""
    _refuse_template(county)
    name, name_en = name.strip(), name_en.strip()
    contact_name, contact_phone = contact_name.strip(), contact_phone.strip()
    if not name:
        raise ApplicationError(MSG_NAME_REQUIRED, field="name")
    county_contact_check(contact_name=contact_name, contact_phone=contact_phone)
    county.name, county.name_en = name, name_en
    county.contact_name, county.contact_phone = contact_name, contact_phone
    full_clean_or_refuse(county)
    county.save(update_fields=["name", "name_en", "contact_name", "contact_phone", "updated_at"])
    return county


def _find_or_make(who: str, county: County) -> User:
    try:
        mobile = mobile_normalize(mobile=who)
    except ApplicationError:
        user = User.objects.filter(username=who).first()
        if user is None:
            raise ApplicationError(
                MSG_NO_SUCH_USER % {"county": county.name, "who": who}, field="who"
            ) from None
        return user
    return User.objects.filter(username=who).first() or user_resident_get_or_create(mobile=mobile)


def county_operator_assign(*, county: County, who: str) -> OperatorAssigned:
    """Make the county user with this mobile (a new account if none) or username an operator
    of the county."""
    _refuse_template(county)
    who = (who or "").strip()
    if not who:
        raise ApplicationError(MSG_WHO_REQUIRED, field="who")
    with tenant_context(county), transaction.atomic():
        user = _find_or_make(who, county)
        # Every county has the group: cloned from the template, kept by sync_county_groups.
        group = Group.objects.get(name=COUNTY_OPERATORS_GROUP)
        if user.groups.filter(pk=group.pk).exists():
            raise ApplicationError(
                MSG_ALREADY_OPERATOR % {"who": user.username, "county": county.name}, field="who"
            )
        password = ""
        if not user.has_usable_password():
            # Operators sign in with a password (accounts refuses SMS codes for admin users).
            password = secrets.token_urlsafe(12)
            user.set_password(password)
        user.is_active = True
        user.save()
        user.groups.add(group)
        return OperatorAssigned(username=user.username, password=password)


def county_operator_remove(*, county: County, user_id: int) -> str:
    """Take the operator role away (the account stays: it may have orders). Refuses to leave a
    county with no operator. Returns the username."""
    _refuse_template(county)
    with tenant_context(county), transaction.atomic():
        group = Group.objects.select_for_update().get(name=COUNTY_OPERATORS_GROUP)
        user = User.objects.filter(pk=user_id).first()
        if user is None or not user.groups.filter(pk=group.pk).exists():
            who = user.username if user else str(user_id)
            raise ApplicationError(MSG_NOT_OPERATOR % {"who": who, "county": county.name})
        if group.user_set.filter(is_active=True).exclude(pk=user.pk).count() == 0:
            raise ApplicationError(
                MSG_LAST_OPERATOR % {"county": county.name, "who": user.username}
            )
        user.groups.remove(group)
        return user.username
