"""django-tenants' PostgreSQL backend, minus the work a request does not need.

Stock django-tenants forgets its `SET search_path` and empties the content-type cache on every
`set_tenant`, even when the schema is the one already set; under persistent connections that
costs a statement per request and refills the cache (DESIGN.md section 8, docs/adr/0003).
Here, setting the schema that is already active keeps both.
"""

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper


class DatabaseWrapper(TenantDatabaseWrapper):
    def set_tenant(self, tenant, include_public=True):
        if (
            self.schema_name == tenant.schema_name
            and self.include_public_schema == include_public
            and self.search_path_set_schemas is not None
        ):
            # Same schema: keep the search_path already set and the content-type cache.
            self.tenant = tenant
            return
        super().set_tenant(tenant, include_public)
