"""A database-level guard: UPDATE and DELETE on ledger entries raise, whatever the client.

The function lives in public (one copy, schema-qualified in the trigger, so a cloned county's
trigger never points at the template's schema); the trigger is created in each county schema
this migration runs in, and cloned with it.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION public.ledger_entry_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are immutable (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
"""

TRIGGER = """
DROP TRIGGER IF EXISTS ledger_entry_immutable ON ledger_ledgerentry;
CREATE TRIGGER ledger_entry_immutable
    BEFORE UPDATE OR DELETE ON ledger_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION public.ledger_entry_refuse_change();
"""

DROP = "DROP TRIGGER IF EXISTS ledger_entry_immutable ON ledger_ledgerentry;"


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_initial")]

    operations = [migrations.RunSQL(FUNCTION + TRIGGER, reverse_sql=DROP)]
