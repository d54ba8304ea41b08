"""Rate limits shared by every process of the site.

With Redis configured the counter is a Redis INCR (atomic, shared); in the
embedded default it is an atomic upsert in the database, so limits still hold
across processes instead of quietly switching off. While Redis is unreachable the
database counts instead: limits keep holding (from zero for that window), and a
write is never refused because the counter store is down.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache

from .models import RateCounter

log = logging.getLogger(__name__)


def too_many(key, limit, seconds, now=None):
    """Counts one hit for `key`; True once the hits in the current window exceed `limit`."""
    now = int(now if now is not None else time.time())
    window = now - now % seconds
    count = None
    if settings.REDIS_URL:
        try:
            count = _redis_hit(f"ratelimit:{key}:{window}", seconds)
        except Exception as exc:  # Redis down or timing out: count in the database instead
            log.warning("rate limits counted in the database: %s", exc.__class__.__name__)
    if count is None:
        count = RateCounter.hit(key[:200], window)
    return count > limit


def _redis_hit(counter, seconds):
    cache.add(counter, 0, seconds)
    try:
        return cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, seconds)
        return 1
