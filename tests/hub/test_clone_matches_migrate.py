"""A county cloned from the template has exactly the structure of a freshly migrated one."""

import pytest
from django.db import connection
from django.test import override_settings

from hub.models import County

STRUCTURE_QUERIES = {
    "columns": """
        SELECT table_name, column_name, data_type, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = %(schema)s
    """,
    "indexes": """
        SELECT tablename, indexname, replace(indexdef, %(schema)s || '.', '')
        FROM pg_indexes WHERE schemaname = %(schema)s
    """,
    "constraints": """
        SELECT rel.relname, con.conname, con.contype,
               replace(pg_get_constraintdef(con.oid), %(schema)s || '.', '')
        FROM pg_constraint con
        JOIN pg_class rel ON rel.oid = con.conrelid
        JOIN pg_namespace ns ON ns.oid = rel.relnamespace
        WHERE ns.nspname = %(schema)s
    """,
    "sequences": """
        SELECT sequence_name, data_type FROM information_schema.sequences
        WHERE sequence_schema = %(schema)s
    """,
    "migrations": "SELECT app, name FROM {schema}.django_migrations",
}


def structure(schema: str) -> dict[str, list[tuple]]:
    result = {}
    with connection.cursor() as cursor:
        for name, query in STRUCTURE_QUERIES.items():
            cursor.execute(query.replace("{schema}", schema), {"schema": schema})
            # column defaults name their sequence by schema: compare without it
            rows = [
                tuple(str(v).replace(f"{schema}.", "") if v is not None else None for v in row)
                for row in cursor.fetchall()
            ]
            result[name] = sorted(rows)
    return result


@pytest.fixture
def migrated(django_db_setup, django_db_blocker):
    """A county made by running every migration (committed: some Wagtail migrations cannot
    run inside the test's transaction), dropped afterwards."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
            county = County(
                schema_name="county_migrated_check",
                code="330282",
                slug="migrated-check",
                name="慈溪市",
            )
            county.save(verbosity=0)
        try:
            yield county
        finally:
            connection.set_schema_to_public()
            county.delete(force_drop=True)


def test_cloned_county_structure_equals_a_migrated_county(migrated, county, django_db_blocker):
    with django_db_blocker.unblock():
        cloned = structure(county.schema_name)
        fresh = structure(migrated.schema_name)

    assert len(cloned["columns"]) > 300  # a real schema, not two empty ones
    for name in STRUCTURE_QUERIES:
        assert cloned[name] == fresh[name], name
