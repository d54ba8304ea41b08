import hashlib

from django.conf import settings
from django.core.cache import cache


def ip_hash(request):
    """A salted hash of the visitor's address: enough to count, not to identify."""
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


def over_limit(key, limit, seconds):
    """Counts one more hit on `key` and says whether it went past `limit` in the window.

    cache.add then cache.incr is atomic on Redis and within one process for the
    local-memory cache.
    """
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        return False
