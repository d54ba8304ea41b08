"""The API's rate limit: requests per client address and minute, shared by every process."""

import time

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from accounts.ratelimit import too_many
from core.visitors import ip_hash


class PerAddress(BaseThrottle):
    """API_RATE_LIMIT requests per address (core.visitors: behind TRUSTED_PROXIES, the
    visitor's) and window, counted by accounts.ratelimit: in Redis when it is configured,
    else in the database, so the limit holds across gunicorn workers and machines.
    Past it: 429 with Retry-After, the seconds left in the window."""

    def allow_request(self, request, view):
        limit, seconds = settings.API_RATE_LIMIT
        self.now, self.seconds = time.time(), seconds
        return not too_many(f"api:{ip_hash(request)}", limit, seconds, now=self.now)

    def wait(self):
        return self.seconds - int(self.now) % self.seconds
