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

from core.redis_client import client

from .models import RateCounter

log = logging.getLogger(__name__)


def too_many(key, limit, seconds, now=None, counted=None):
    """Counts one hit for `key`; True once the hits in the current window exceed `limit`.

    `counted`: the count a caller already got from Redis by sending queue_hit() in its own
    pipeline (one round trip for both); None counts here."""
    now = int(now if now is not None else time.time())
    window = now - now % seconds
    count = counted
    if count is None and settings.REDIS_URL:
        try:
            pipeline = client().pipeline(transaction=True)
            count = queue_hit(pipeline, key, seconds, now).execute()[0]
        except Exception as exc:  # Redis down or timing out: count in the database instead
            log.warning("rate limits counted in the database: %s", exc.__class__.__name__)
    if count is None:
        count = RateCounter.hit(key[:200], window)
    return count > limit


def queue_hit(pipeline, key, seconds, now):
    """Adds the INCR of `key`'s counter for the window holding `now` (and its expiry) to a Redis
    pipeline; the INCR's answer is the count. Inside MULTI/EXEC no counter is left without its expiry."""
    now = int(now)
    counter = f"gethelp:ratelimit:{key}:{now - now % seconds}"
    return pipeline.incr(counter).expire(counter, seconds)
