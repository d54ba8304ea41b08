"""The API's rate limit: requests per client address and minute, shared by every process."""

import time

from django.conf import settings
from rest_framework import exceptions
from rest_framework.throttling import BaseThrottle

from accounts.ratelimit import queue_hit, too_many
from core.visitors import ip_hash


class PerAddress(BaseThrottle):
    """API_RATE_LIMIT requests per address (core.visitors: behind TRUSTED_PROXIES, the
    visitor's) and window, counted by accounts.ratelimit: in Redis when it is configured,
    else in the database, so the limit holds across gunicorn workers and machines.
    Past it: 429 with Retry-After, the seconds left in the window."""

    def allow_request(self, request, view):
        self.now = time.time()
        limit, seconds = settings.API_RATE_LIMIT
        return not too_many(key(request), limit, seconds, now=self.now)

    def wait(self):
        return wait(self.now)


class Hit:
    """One request's hit, queued on the view's own Redis pipeline, then checked."""

    def __init__(self, request):
        self.request, self.now = request, time.time()

    def queue(self, pipeline):
        return queue_hit(pipeline, key(self.request), settings.API_RATE_LIMIT[1], self.now)

    def check_in_the_database(self):
        """Without Redis there is no round trip to count in: counted here, before the work."""
        limit, seconds = settings.API_RATE_LIMIT
        if too_many(key(self.request), limit, seconds, now=self.now):
            raise exceptions.Throttled(wait=wait(self.now))

    def check(self, counted):
        """Throttled (a 429) past the limit; `counted` None (Redis failed): counted again, in the database."""
        if not settings.REDIS_URL:
            return  # counted by check_in_the_database before the view's work
        limit, seconds = settings.API_RATE_LIMIT
        if too_many(key(self.request), limit, seconds, now=self.now, counted=counted):
            raise exceptions.Throttled(wait=wait(self.now))


def key(request):
    return f"api:{ip_hash(request)}"


def wait(now):
    seconds = settings.API_RATE_LIMIT[1]
    return seconds - int(now) % seconds
