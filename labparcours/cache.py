"""The shared cache on Redis, which a Redis outage degrades instead of breaking.

What the cache holds can be done without for a while: the dashboard's figures (computed again),
the login and API rate limits (their counts). With Django's own Redis backend, a Redis that does
not answer turns every page that reads the cache — the login among them — into an error page.
Here a read that cannot reach Redis is a miss and a write is dropped, each logged as a warning
(without keys: they may name a user), so that people keep working; the rate limits count
nothing until Redis is back — open rather than shut, on purpose: a login still costs a
password hash of a second, and a clinician locked out by an outage cannot reach a patient's
record (OPERATIONS.md, « Redis down »). The timeouts of `OPTIONS` bound
how long a request waits to find out.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _unreachable(operation: str, error: Exception) -> None:
    logger.warning("Cache unreachable (%s): %s", operation, type(error).__name__)


class TolerantRedisCache(RedisCache):
    """Django's RedisCache; Redis unreachable: reads miss, writes are dropped."""

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            _unreachable("get", error)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            _unreachable("get_many", error)
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except UNREACHABLE as error:
            _unreachable("has_key", error)
            return False

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            _unreachable("set", error)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as error:
            _unreachable("add", error)
            # As if added: the only `add` callers are locks (allauth's rate limits), which
            # would otherwise wait, then refuse every login as "too many attempts".
            return True

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as error:
            _unreachable("set_many", error)
            return list(data)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as error:
            _unreachable("touch", error)
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except UNREACHABLE as error:
            _unreachable("delete", error)
            return False

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except UNREACHABLE as error:
            _unreachable("delete_many", error)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            _unreachable("incr", error)
            # As for a missing key: the caller sets the value instead.
            raise ValueError("Key not found while the cache is unreachable") from error


# --- Figures that a write makes stale -----------------------------------------------------------
#
# A figure counted over the whole programme (the dashboard's) is cached for a while; a write
# that changes it — a patient included, a team member added — must show at once to the person
# who made it, not minutes later. Such figures keep their scope's generation in their cache key:
# a write renews the generation once its transaction commits, and every cached copy, whatever
# its key (one per user and filter…), is stale at once without being looked for. Their time
# to live still bounds what no write announces (a SIC that becomes overdue as days pass).


# The scope of the figures over the programme's patients, teams and SICs (the dashboard's, the
# SIC calendar's, the lists' counts): renewed by `patients.signals` on every write to them.
PROGRAMME_FIGURES = "programme-figures"


def generation(scope: str) -> str:
    """The current generation of the figures named `scope`, for their cache keys."""
    return str(cache.get(f"generation:{scope}", "0"))


def renew(scope: str) -> None:
    """Make every cached figure of `scope` stale, once the current transaction commits (a
    rolled-back write changed nothing; renewed before its commit, a figure counted meanwhile
    would be cached under the new generation without it)."""
    transaction.on_commit(lambda: cache.set(f"generation:{scope}", uuid.uuid4().hex, None))


T = TypeVar("T")


def programme_figures(key: str, count: Callable[[], T], ttl: int) -> T:
    """`count()`, kept `ttl` seconds under `key` in the programme's current generation: counted
    again after a write to the programme, or once `ttl` has passed."""
    kept_key = f"{key}:{generation(PROGRAMME_FIGURES)}"
    figures = cache.get(kept_key)
    if figures is None:
        figures = count()
        cache.set(kept_key, figures, ttl)
    return figures
