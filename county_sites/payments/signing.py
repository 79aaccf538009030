"""The county's side of the bank gateway signature: HMAC-SHA256 with the merchant secret over
the canonical string (every field but `sign` with a value, sorted by name, `name=value` joined
by `&`), lowercase hex. Kept apart from sandbox_bank.signing on purpose: a real bank's signer
is not our code, and tests check that the two agree."""

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
    fields = {name: str(value) for name, value in fields.items() if name != "sign"}
    return {**fields, "sign": sign(fields, secret)}


def verify(fields: dict, secret: str) -> bool:
    given = str(fields.get("sign") or "")
    return bool(given) and hmac.compare_digest(given, sign(fields, secret))
