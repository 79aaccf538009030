"""The county's client of the bank gateway API (create, query, close, refund).

Transport "http" posts signed forms to FENGSHOU_BANK_BASE_URL/sandbox-bank/api/<op>/, as with a
real bank; "inprocess" (tests) calls the sandbox bank's API function directly. Either way the
request and the response are signed and checked.

The sandbox bank stands in for the bank's gateway, so payments talks to it the way it would talk
to a real bank: through its API (sandbox_bank.api: the same `api_call` its HTTP endpoint runs,
and the merchant onboarding a real bank does on paper) and a plain form POST
(sandbox_bank.http). Never its models or services: swapping in a real bank then replaces these
two imports and nothing else. sandbox_bank sits below payments and never imports it, so the
imports are at the top, where the layering contract sees them.
"""

import json
import secrets
import time

from django.conf import settings

from county_sites.payments import signing
from sandbox_bank.api import api_call
from sandbox_bank.http import http_post_form


class BankError(Exception):
    """The bank refused or could not be reached."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class BankClient:
    def __init__(self, *, merchant_id: str, secret: str):
        self.merchant_id = merchant_id
        self.secret = secret

    def call(self, operation: str, **fields) -> dict:
        params = signing.signed(
            {
                **fields,
                "merchant_id": self.merchant_id,
                "timestamp": int(time.time()),
                "nonce": secrets.token_hex(16),
            },
            self.secret,
        )
        status, body = self._send(operation, params)
        if not signing.verify(body, self.secret):
            raise BankError(body.get("code") or f"HTTP_{status}")
        if status != 200 or body.get("code") != "OK":
            raise BankError(body.get("code") or f"HTTP_{status}")
        return body

    def _send(self, operation: str, params: dict) -> tuple[int, dict]:
        if settings.FENGSHOU_BANK_TRANSPORT == "inprocess":
            return api_call(operation, params)
        url = f"{settings.FENGSHOU_BANK_BASE_URL.rstrip('/')}/sandbox-bank/api/{operation}/"
        try:
            status, raw = http_post_form(
                url, params, timeout=settings.SANDBOX_BANK_HTTP_TIMEOUT_SECONDS
            )
            return status, json.loads(raw or b"{}")
        except (OSError, ValueError) as error:
            raise BankError("UNREACHABLE") from error
