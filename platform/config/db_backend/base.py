"""django-tenants' PostgreSQL backend, minus the work a request does not need.

Stock django-tenants forgets its `SET search_path` and empties the content-type cache on every
`set_tenant`, even when the schema is the one already set; under persistent connections that
costs a statement per request and refills the cache (DESIGN.md section 8, docs/adr/0003).
Here, setting the schema that is already active keeps both.

Django's connection health check (CONN_HEALTH_CHECKS) sends `SELECT 1` before each request's
first query: a round trip per page, as long as the product page's own query. Here an idle
connection whose socket has nothing to read is taken as healthy without asking the server;
anything else is asked as before (docs/adr/0010).
"""

import select

import psycopg
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from psycopg import pq


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

    def is_usable(self):
        """The server cannot end a session silently: a restart, `pg_terminate_backend` or an
        idle timeout sends an error and closes the socket, which makes it readable. So an
        idle, open connection with nothing to read is usable; when something is waiting, or
        after an error, or inside a transaction, ask the server with `SELECT 1` (Django's
        check). A dead network with no close at all hangs `SELECT 1` as well."""
        if self.connection is None or self.errors_occurred:
            return super().is_usable()
        pgconn = self.connection.pgconn
        if (
            pgconn.status != pq.ConnStatus.OK
            or pgconn.transaction_status != pq.TransactionStatus.IDLE
        ):
            return super().is_usable()
        try:
            poller = select.poll()  # not select.select: no limit on the descriptor's number
            poller.register(pgconn.socket, select.POLLIN | select.POLLERR | select.POLLHUP)
            waiting = poller.poll(0)
        except (OSError, ValueError, psycopg.Error):  # no socket: let SELECT 1 say so
            return super().is_usable()
        return True if not waiting else super().is_usable()
