"""Memoisers over the cache that never fail a request: a cache error is a miss."""

import logging

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse

log = logging.getLogger(__name__)


def safe(operation, *args, default=None):
    """operation(*args), or `default` when the cache (or Redis) fails."""
    try:
        return operation(*args)
    except Exception as exc:  # the cache is an optimisation; never fail a page for it
        log.warning("cache unavailable: %s", exc.__class__.__name__)
        return default


def cached(key, seconds, compute):
    """compute() through the cache; computed fresh when `key` is None or the cache fails."""
    value = safe(cache.get, key) if key is not None else None
    if value is None:
        value = compute()
        if key is not None:
            safe(cache.set, key, value, seconds)
    return value


def shared_page(request):
    """Anonymous visitors without pending messages all see the same page."""
    return not request.user.is_authenticated and not len(get_messages(request))


def cached_response(key, render):
    """render()'s page through the cache under `key` (None: not cached); only 200s are kept.

    The key must hold whatever invalidates the page, read before rendering, so a
    change made while the page renders leaves it under a key nobody asks for again.
    """
    html = safe(cache.get, key) if key is not None else None
    if html is not None:
        return HttpResponse(html)
    response = render()
    if key is not None and response.status_code == 200:
        safe(cache.set, key, response.content, settings.PAGE_CACHE_SECONDS)
    return response
