"""A cache lock for periodic jobs whose runs must not overlap."""

import uuid
from contextlib import contextmanager

from django.core.cache import cache

LOCK_SECONDS = 30 * 60


class SweepRunning(Exception):
    """Another run of the job holds the lock."""


@contextmanager
def sweep_lock(name):
    """Keeps two runs of one job from overlapping (set-wise jobs stay correct anyway)."""
    key, token = f"lock:sweep:{name}", uuid.uuid4().hex
    if not cache.add(key, token, LOCK_SECONDS):
        raise SweepRunning(name)
    try:
        yield
    finally:
        if cache.get(key) == token:
            cache.delete(key)
