"""Writes for API tokens; run inside the county's schema.

A token is 32 random bytes (URL-safe base64, prefixed "fs_"); only its SHA-256 is stored, so
a database dump gives no working token. Tokens live in the county's schema: a token issued by
one county is unknown on every other county's host.
"""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from county_sites.api.models import ApiToken

TOKEN_PREFIX = "fs_"  # noqa: S105  (a label in front of the token, not a secret)
TOKEN_BYTES = 32


def api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user) -> tuple[ApiToken, str]:
    """A new token for `user`: the row and the token itself (to show once, never again)."""
    raw = f"{TOKEN_PREFIX}{secrets.token_urlsafe(TOKEN_BYTES)}"
    token = ApiToken(user=user, key_hash=api_token_hash(raw), prefix=raw[:12])
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token (once; revoking again changes nothing)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
