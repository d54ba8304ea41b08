"""The one Redis connection for what the cache API cannot express (hashes, renames)."""

from functools import cache

import redis
from django.conf import settings


@cache
def _client(url):
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)


def client():
    """A client for REDIS_URL (pooled, safe after gunicorn forks), or None in the embedded default."""
    return _client(settings.REDIS_URL) if settings.REDIS_URL else None
