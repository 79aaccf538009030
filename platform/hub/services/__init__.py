"""Writes for the province, one module per role:

- here: creating (the clone itself), suspending and reactivating counties;
- creation: a county creation job run by a Celery task, with its undo;
- counties: editing a county, assigning and removing its operators;
- handoff: the signed single-use link into a county's admin;
- policy: the commission policy;
- catalogue: the province catalogue index.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, tenant_context

from accounts.services import user_create_county_operator
from core.county_apps import county_setup
from core.roles import county_operator_group_ensure
from hub.clone_repair import clone_constraint_names_repair
from hub.models import County, CountyDomain
from hub.validation import county_identity_check, schema_exists, schema_name_for

Progress = Callable[[str], None]

TEMPLATE_CODE = "000000"


def _silent(_message: str) -> None:
    pass


@dataclass(frozen=True)
class CountyCreated:
    county: County
    domain: CountyDomain
    operator_username: str
    operator_password: str


def county_domain_for(slug: str) -> str:
    return f"{slug}.{settings.FENGSHOU_BASE_DOMAIN}"


def _template_pending_migrations() -> list:
    with schema_context(settings.TENANT_BASE_SCHEMA):
        executor = MigrationExecutor(connection)
        return executor.migration_plan(executor.loader.graph.leaf_nodes())


def county_template_ensure(*, progress: Progress = _silent) -> County:
    """Make sure the template schema exists and is fully migrated, then return its row.

    A template behind on migrations would yield clones with missing tables recorded as
    applied (DESIGN.md section 3), so it is checked before every clone.
    """
    template = County.objects.filter(schema_name=settings.TENANT_BASE_SCHEMA).first()
    if template is None:
        progress(_("正在创建模板数据库模式（首次，需运行全部迁移）……"))
        template = County(
            schema_name=settings.TENANT_BASE_SCHEMA,
            code=TEMPLATE_CODE,
            slug="template",
            name="模板",
            name_en="Template",
            is_template=True,
        )
        # No template yet, so django-tenants creates this schema by running migrations.
        template.save(verbosity=0)
    elif not schema_exists(template.schema_name) or _template_pending_migrations():
        progress(_("正在迁移模板数据库模式……"))
        if not schema_exists(template.schema_name):
            template.create_schema(check_if_exists=True, verbosity=0)
        call_command(
            "migrate_schemas", schema_name=template.schema_name, interactive=False, verbosity=0
        )
    with tenant_context(template):
        county_setup(county=template, domain="")
    return template


def county_create(
    *,
    code: str,
    slug: str,
    name: str,
    name_en: str = "",
    operator_username: str = "operator",
    operator_password: str | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    progress: Progress = _silent,
) -> CountyCreated:
    """Create a county: validate, clone the template schema, add its domain, set up its
    Wagtail site and operator account. Refuses bad input before creating anything."""
    code, slug, name, name_en = code.strip(), slug.strip().lower(), name.strip(), name_en.strip()
    domain_name = county_domain_for(slug)
    progress(_("检查输入……"))
    county_identity_check(code=code, slug=slug, name=name, domain=domain_name)
    county_template_ensure(progress=progress)
    password = operator_password or secrets.token_urlsafe(12)
    schema_name = schema_name_for(slug)

    # Each step commits on its own, so a progress callback that writes a row (the Celery
    # task's) is seen by the status page while the clone runs. A step that fails leaves its
    # own transaction rolled back; county_creation_undo removes what the earlier steps made.
    county, made = None, False
    try:
        progress(_("复制模板，创建数据库模式 %(schema)s……") % {"schema": schema_name})
        with transaction.atomic():
            county = County(
                schema_name=schema_name,
                code=code,
                slug=slug,
                name=name,
                name_en=name_en,
                contact_name=contact_name.strip(),
                contact_phone=contact_phone.strip(),
            )
            county.full_clean()
            county.save(verbosity=0)
            clone_constraint_names_repair(
                source=settings.TENANT_BASE_SCHEMA, target=county.schema_name
            )
        # From here on the row and the schema exist (a failed first step rolled both back).
        made = True
        progress(_("添加域名 %(domain)s……") % {"domain": domain_name})
        with transaction.atomic():
            domain = CountyDomain(domain=domain_name, tenant=county, is_primary=True)
            domain.full_clean()
            domain.save()
        progress(_("设置县级首页和运营人员账号……"))
        with transaction.atomic(), tenant_context(county):
            # The storefront's home page and Wagtail site, registered by its app.
            county_setup(county=county, domain=domain_name)
            user_create_county_operator(username=operator_username, password=password)
    except BaseException:
        if made:
            county_creation_undo(schema_name=schema_name)
        raise
    progress(_("完成：%(name)s 已创建。") % {"name": county.name})
    return CountyCreated(
        county=county,
        domain=domain,
        operator_username=operator_username,
        operator_password=password,
    )


def county_creation_undo(*, schema_name: str) -> None:
    """Remove a county that county_create made only in part: its row (domains and figures go
    with it) and its schema, dropped with everything in it. Only called for a schema this run
    created: the identity check refused any name already taken."""
    if schema_name in (settings.TENANT_BASE_SCHEMA, "public"):
        raise ValueError(f"refusing to drop {schema_name!r}")
    connection.set_schema_to_public()
    with transaction.atomic():
        County.objects.filter(schema_name=schema_name).delete()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')


def county_set_status(*, county: County, status: str) -> County:
    """Suspend or reactivate a county. A suspended county's hosts answer 503."""
    if county.is_template:
        raise ValueError("the template schema has no status to change")
    county.status = status
    county.full_clean()
    county.save(update_fields=["status", "updated_at"])
    return county


def county_suspend(*, county: County) -> County:
    return county_set_status(county=county, status=County.Status.SUSPENDED)


def county_reactivate(*, county: County) -> County:
    return county_set_status(county=county, status=County.Status.ACTIVE)


def counties_operator_groups_sync(*, progress: Progress = _silent) -> int:
    """Give every county (and the template) the County operators group with today's
    permissions. Run after an upgrade's migrations: a county created by an older release has
    the group as that release defined it. Returns how many schemas were synced."""
    counties = list(County.objects.order_by("is_template", "code"))
    for number, county in enumerate(counties, start=1):
        with tenant_context(county):
            county_operator_group_ensure()
        progress(f"[{number}/{len(counties)}] {county.name} ({county.schema_name})")
    return len(counties)
