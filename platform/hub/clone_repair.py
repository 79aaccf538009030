"""Make a cloned schema's constraint names equal the template's.

django-tenants' clone_schema() recreates multi-column UNIQUE constraints under PostgreSQL's
default names (`..._key`), while Django's migrations named them (`..._59c0b32f_uniq`). A later
migration that looks a constraint up by name would then miss it in cloned counties only.
tests/hub/test_clone_matches_migrate.py pins the result.
"""

from django.db import connection
from django.db.backends.postgresql.psycopg_any import sql

MISNAMED_CONSTRAINTS = """
    SELECT rel.relname, cloned.conname, original.conname
    FROM pg_constraint cloned
    JOIN pg_class rel ON rel.oid = cloned.conrelid
    JOIN pg_namespace ns ON ns.oid = rel.relnamespace AND ns.nspname = %(target)s
    JOIN pg_class src_rel ON src_rel.relname = rel.relname
    JOIN pg_namespace src_ns ON src_ns.oid = src_rel.relnamespace AND src_ns.nspname = %(source)s
    JOIN pg_constraint original
      ON original.conrelid = src_rel.oid
     AND original.contype = cloned.contype
     AND pg_get_constraintdef(original.oid) = pg_get_constraintdef(cloned.oid)
    WHERE cloned.conname <> original.conname
      AND NOT EXISTS (
        SELECT 1 FROM pg_constraint same
        WHERE same.conrelid = cloned.conrelid AND same.conname = original.conname
      )
"""


def clone_constraint_names_repair(*, source: str, target: str) -> int:
    """Rename constraints of `target` that differ from `source` only by name; returns how many."""
    with connection.cursor() as cursor:
        cursor.execute(MISNAMED_CONSTRAINTS, {"source": source, "target": target})
        renames = cursor.fetchall()
        for table, cloned_name, original_name in renames:
            cursor.execute(
                sql.SQL("ALTER TABLE {}.{} RENAME CONSTRAINT {} TO {}").format(
                    sql.Identifier(target),
                    sql.Identifier(table),
                    sql.Identifier(cloned_name),
                    sql.Identifier(original_name),
                )
            )
    return len(renames)
