"""Where the bank reaches this county and its merchant account there, for every credit
service (lines, draws, seller loans)."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

from county_sites.payments.services import payment_settings_ensure


def credit_bank_ready() -> None:
    """Open the county's merchant account at the (sandbox) bank if it has none yet, OUTSIDE
    the transaction that will draw: the bank must see it committed when the draw reaches it
    over HTTP. Call before that transaction starts; a no-op once the account exists."""
    payment_settings_ensure(county=connection.tenant)


def credit_notify_url() -> str:
    """Where the bank sends this county's credit messages: its primary host, on the scheme and
    port the bank is reached on (FENGSHOU_BANK_BASE_URL)."""
    domain = connection.tenant.domains.get(is_primary=True).domain
    base = urlsplit(settings.FENGSHOU_BANK_BASE_URL)
    netloc = f"{domain}:{base.port}" if base.port else domain
    return urlunsplit((base.scheme, netloc, "/credit/notify/", "", ""))
