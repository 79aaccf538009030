"""Staff password logins lock after repeated failures (issue 12; docs/adr/0018).

LOCKOUT_FAILURES wrong passwords for one username from one address within LOCKOUT_WINDOW
lock that username from that address for LOCKOUT_DURATION: even the right password is refused,
with a message saying how long to wait. Per username *and* address, so an attacker cannot lock
an operator out from everywhere by guessing from one machine, and per county: the counters
live in the cache, whose keys carry the current schema (django_tenants.cache.make_key), as the
accounts themselves do (docs/adr/0002).

If the cache cannot be reached the login goes on without the lockout (logged): the admin stays
usable while Redis is down, and the password check itself is unchanged.
"""

import hashlib
import logging

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError

from core.errors import ApplicationError

logger = logging.getLogger(__name__)

LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW_SECONDS = 15 * 60
LOCKOUT_DURATION_SECONDS = 15 * 60
MSG_LOGIN_LOCKED = _("密码错误次数过多，该账号已暂时锁定，请 %(minutes)s 分钟后再试。")


class LoginLockedError(ApplicationError):
    pass


def _key(kind: str, username: str, ip: str | None) -> str:
    who = hashlib.sha256(f"{(username or '').strip().lower()}\n{ip or ''}".encode()).hexdigest()
    return f"accounts.lockout.{kind}.{who}"


def login_lockout_check(*, username: str, ip: str | None) -> None:
    """Refuse (LoginLockedError) while `username` is locked from `ip`."""
    try:
        locked = cache.get(_key("locked", username, ip))
    except RedisError:
        logger.warning("Login lockout unavailable (cache unreachable)", exc_info=True)
        return
    if locked:
        minutes = LOCKOUT_DURATION_SECONDS // 60
        raise LoginLockedError(MSG_LOGIN_LOCKED % {"minutes": minutes}, field="username")


def login_failure_record(*, username: str, ip: str | None) -> int:
    """Count a wrong password; the LOCKOUT_FAILURES-th within the window locks. Returns the
    count (0 when the cache is unreachable)."""
    failures = _key("failures", username, ip)
    try:
        cache.add(failures, 0, timeout=LOCKOUT_WINDOW_SECONDS)
        count = cache.incr(failures)
        if count >= LOCKOUT_FAILURES:
            cache.set(_key("locked", username, ip), 1, timeout=LOCKOUT_DURATION_SECONDS)
            cache.delete(failures)
            logger.warning("Staff login locked after %s failures: %r", count, username)
    except (RedisError, ValueError):
        logger.warning("Login lockout unavailable (cache unreachable)", exc_info=True)
        return 0
    return count


def login_success_clear(*, username: str, ip: str | None) -> None:
    """A right password (not locked): the failures so far are forgiven."""
    try:
        cache.delete(_key("failures", username, ip))
    except RedisError:
        logger.warning("Login lockout unavailable (cache unreachable)", exc_info=True)
