"""Rate limits shared by every process of the site.

With Redis configured the counter is a Redis INCR (atomic, shared); in the
embedded default it is an atomic upsert in the database, so limits still hold
across processes instead of quietly switching off.
"""

import time

from django.conf import settings
from django.core.cache import cache

from .models import RateCounter


def too_many(key, limit, seconds, now=None):
    """Counts one hit for `key`; True once the hits in the current window exceed `limit`."""
    now = int(now if now is not None else time.time())
    window = now - now % seconds
    if settings.REDIS_URL:
        counter = f"ratelimit:{key}:{window}"
        cache.add(counter, 0, seconds)
        try:
            count = cache.incr(counter)
        except ValueError:  # expired between add and incr
            cache.set(counter, 1, seconds)
            count = 1
    else:
        count = RateCounter.hit(key[:200], window)
    return count > limit
