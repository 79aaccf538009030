"""The county's merchant account: payment_settings_get only reads; payment_settings_ensure
opens it at the sandbox bank, once, when the first online payment starts."""

from django.db import connection

from county_sites.payments.models import PaymentSettings
from county_sites.payments.selectors import payment_settings_get
from county_sites.payments.services import payment_settings_ensure
from sandbox_bank.models import SandboxMerchant


def _row_counts(*schemas: str) -> dict[str, int]:
    """Rows of every table of `schemas`: a read must leave each the same."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE'",
            [list(schemas)],
        )
        tables = cursor.fetchall()
        counts = {}
        for schema, table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')  # noqa: S608
            counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def test_the_getter_on_a_county_without_settings_writes_nothing(in_county, county):
    before = _row_counts("public", county.schema_name)
    assert before[f"{county.schema_name}.payments_paymentsettings"] == 0
    assert not SandboxMerchant.objects.filter(county_id=county.pk).exists()

    assert payment_settings_get() is None

    assert _row_counts("public", county.schema_name) == before
    assert not SandboxMerchant.objects.filter(county_id=county.pk).exists()


def test_ensure_opens_the_sandbox_merchant_once_and_the_getter_then_reads_it(in_county, county):
    account = payment_settings_ensure(county=county)
    again = payment_settings_ensure(county=county)

    merchant = SandboxMerchant.objects.get(county_id=county.pk)
    assert (account.merchant_id, account.secret) == (merchant.merchant_id, merchant.secret)
    assert again == account == payment_settings_get()
    assert PaymentSettings.objects.count() == 1
    assert SandboxMerchant.objects.filter(county_id=county.pk).count() == 1
