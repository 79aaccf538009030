"""SANDBOX BANK: how the bank signs what it sends and checks what it receives.

HMAC-SHA256 with the merchant's secret over the canonical string: every field but `sign`
whose value is not empty, sorted by name, as `name=value` joined by `&` (the usual scheme of
Chinese bank and wallet gateways). The signature is lowercase hex.
"""

import hashlib
import hmac


def canonical(fields: dict) -> str:
    return "&".join(
        f"{name}={fields[name]}"
        for name in sorted(fields)
        if name != "sign" and fields[name] not in ("", None)
    )


def sign(fields: dict, secret: str) -> str:
    return hmac.new(secret.encode(), canonical(fields).encode(), hashlib.sha256).hexdigest()


def signed(fields: dict, secret: str) -> dict:
    """`fields` (values as strings) plus their `sign`."""
    fields = {name: str(value) for name, value in fields.items() if name != "sign"}
    return {**fields, "sign": sign(fields, secret)}


def verify(fields: dict, secret: str) -> bool:
    given = str(fields.get("sign") or "")
    return bool(given) and hmac.compare_digest(given, sign(fields, secret))
