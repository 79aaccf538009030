"""Checks of county identity that run before anything is created (hub.services.county_create)."""

import re

from django.db import connection
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from hub.models import County, CountyDomain

# GB/T 2260 province-level prefixes (mainland, Hong Kong, Macao, Taiwan).
PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)
# A DNS label: lowercase letters, digits and inner hyphens, at most 63 characters. 56 here so that
# the schema name county_<slug> fits PostgreSQL's 63-byte identifiers.
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,54}[a-z0-9])?\Z")
RESERVED_SLUGS = frozenset({"www", "template", "public", "admin", "static", "media", "api"})

MSG_CODE_FORMAT = _("行政区划代码必须是6位数字（GB/T 2260），例如 330523：收到 “%(code)s”。")
MSG_CODE_NOT_COUNTY = _("“%(code)s” 不是县级行政区划代码：前两位须为省级代码，后两位不能是 00。")
MSG_CODE_TAKEN = _("行政区划代码 %(code)s 已被 %(name)s 使用。")
MSG_NAME_REQUIRED = _("县名不能为空。")
MSG_SLUG_FORMAT = _(
    "标识 “%(slug)s” 不能用作域名：只能包含小写字母、数字和中间的连字符，最长56个字符。"
)
MSG_SLUG_RESERVED = _("标识 “%(slug)s” 是保留字，请换一个。")
MSG_SLUG_TAKEN = _("标识 “%(slug)s” 已被 %(name)s 使用。")
MSG_DOMAIN_TAKEN = _("域名 %(domain)s 已被使用。")
MSG_SCHEMA_TAKEN = _("数据库模式 %(schema)s 已存在，与现有的县冲突，请换一个标识。")


def schema_name_for(slug: str) -> str:
    return "county_" + slug.replace("-", "_")


def schema_exists(schema_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE lower(nspname) = lower(%s)", [schema_name])
        return cursor.fetchone() is not None


def county_identity_check(*, code: str, slug: str, name: str, domain: str) -> None:
    """Raise ApplicationError for the first thing that would make the county clash or fail."""
    if not re.fullmatch(r"[0-9]{6}", code):
        raise ApplicationError(MSG_CODE_FORMAT % {"code": code}, field="code")
    if code[:2] not in PROVINCE_PREFIXES or code[4:] == "00":
        raise ApplicationError(MSG_CODE_NOT_COUNTY % {"code": code}, field="code")
    if not name.strip():
        raise ApplicationError(MSG_NAME_REQUIRED, field="name")
    if not SLUG_RE.match(slug):
        raise ApplicationError(MSG_SLUG_FORMAT % {"slug": slug}, field="slug")
    if slug in RESERVED_SLUGS:
        raise ApplicationError(MSG_SLUG_RESERVED % {"slug": slug}, field="slug")
    taken = County.objects.filter(code=code).first()
    if taken:
        raise ApplicationError(MSG_CODE_TAKEN % {"code": code, "name": taken.name}, field="code")
    taken = County.objects.filter(slug=slug).first()
    if taken:
        raise ApplicationError(MSG_SLUG_TAKEN % {"slug": slug, "name": taken.name}, field="slug")
    if CountyDomain.objects.filter(domain__iexact=domain).exists():
        raise ApplicationError(MSG_DOMAIN_TAKEN % {"domain": domain}, field="slug")
    schema = schema_name_for(slug)
    if County.objects.filter(schema_name__iexact=schema).exists() or schema_exists(schema):
        raise ApplicationError(MSG_SCHEMA_TAKEN % {"schema": schema}, field="slug")


# A landline or mobile as people write it: digits, optionally +, spaces, hyphens, brackets.
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{4,30}\Z")
MSG_PHONE_FORMAT = _(
    "联系电话 “%(phone)s” 格式不对：只能包含数字、空格、连字符和括号，例如 0572-5123456。"
)
MSG_CONTACT_NAME_LONG = _("联系人姓名最长64个字。")


def county_contact_check(*, contact_name: str, contact_phone: str) -> None:
    """Refuse a county contact that could not be used to reach anyone."""
    if len(contact_name) > 64:
        raise ApplicationError(MSG_CONTACT_NAME_LONG, field="contact_name")
    if contact_phone and not PHONE_RE.match(contact_phone):
        raise ApplicationError(MSG_PHONE_FORMAT % {"phone": contact_phone}, field="contact_phone")
