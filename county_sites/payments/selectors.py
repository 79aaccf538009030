"""Reads for payments; run inside the county's schema."""

from county_sites.payments.models import PaymentSettings


def payment_settings_get() -> PaymentSettings | None:
    """The county's merchant account at the bank, or None while it has none. Reads only: the
    account is opened by county_sites.payments.services.payment_settings_ensure."""
    return PaymentSettings.objects.first()
