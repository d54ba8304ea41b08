"""The index generation: every index write starts a new one, so results cached from before are never read.

Written by the index tasks (tasks.py), read by the cached searches (queries.py).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

SEARCH_GENERATION_KEY = "search:generation"


def cache_key(kind, *parts):
    """A cache key for `parts` in the index's current generation, or None: nothing is cached.

    Only with Redis: the embedded default's in-process cache would miss another
    process's index writes.
    """
    if not settings.REDIS_URL:
        return None
    try:
        generation = cache.get(SEARCH_GENERATION_KEY, 0)
    except Exception:  # the cache is an optimisation; Redis being down must not stop search
        return None
    fingerprint = hashlib.sha256("\x00".join(str(part) for part in parts).encode()).hexdigest()
    return f"search:{kind}:{generation}:{fingerprint}"


def index_changed():
    try:
        if not cache.add(SEARCH_GENERATION_KEY, 1, None):
            cache.incr(SEARCH_GENERATION_KEY)
    except Exception:
        pass
