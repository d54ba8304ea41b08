"""A lock for periodic jobs whose runs must not overlap, which dies with its holder.

On PostgreSQL it is a session advisory lock: if the worker holding it is killed,
its database connection closes and the lock goes with it, so the next run is not
blocked. Elsewhere (the embedded default) it is a cache entry that expires after
LOCK_SECONDS.
"""

import uuid
import zlib
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection

LOCK_SECONDS = 30 * 60


class SweepRunning(Exception):
    """Another run of the job holds the lock."""


@contextmanager
def sweep_lock(name):
    """Keeps two runs of one job from overlapping (set-wise jobs stay correct anyway)."""
    if connection.vendor == "postgresql":
        with _advisory_lock(name):
            yield
        return
    key, token = f"lock:sweep:{name}", uuid.uuid4().hex
    if not cache.add(key, token, LOCK_SECONDS):
        raise SweepRunning(name)
    try:
        yield
    finally:
        if cache.get(key) == token:
            cache.delete(key)


def advisory_key(name):
    return zlib.crc32(f"gethelp:sweep:{name}".encode())


@contextmanager
def _advisory_lock(name):
    key = advisory_key(name)
    # A session may take its own advisory lock twice: refuse a nested run here too.
    held = connection.__dict__.setdefault("gethelp_advisory_locks", set())
    if key in held:
        raise SweepRunning(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        if not cursor.fetchone()[0]:
            raise SweepRunning(name)
    held.add(key)
    try:
        yield
    finally:
        held.discard(key)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
