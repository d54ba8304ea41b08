"""Versions of what the site shows about each company, kept in Redis, for whatever caches it.

Two counters make a company's stamp: the directory-wide generation and the version of the
company's slug. gethelp/receivers.py bumps the slug's version whenever a row shown about the
company is saved or deleted (the company, its channels, guides, reports, flags), and the
generation on set-wise changes that name no rows (sweeps, imports, category renames).
A cache (the company page, the API's company detail) stores an entry under the stamp it
read before building it, and serves it only while the stamp is still the same: a change
made while it was being built leaves it under a stamp nobody reads again.

Without Redis (the embedded default) there is no stamp, and nothing is cached.
"""

from core.caching import safe
from core.redis_client import client

# The names predate the API; kept so that a deploy does not drop every cached page at once.
GENERATION_KEY = "gethelp:page-cache:generation"


def version_key(slug):
    return f"gethelp:page-cache:version:{slug}"


def stamp(generation, version):
    """b"generation:version" from the two counters as Redis returns them (None: never bumped)."""
    return (generation or b"0") + b":" + (version or b"0")


def bump(*keys):
    """Increments each key, in one round trip; a Redis failure is logged and ignored."""
    redis_client = client()
    if redis_client is not None and keys:
        pipeline = redis_client.pipeline(transaction=False)
        for key in keys:
            pipeline.incr(key)
        safe(pipeline.execute)


def bump_companies(slugs):
    """Every cached entry about the companies known by `slugs` is stale from now on."""
    bump(*(version_key(slug) for slug in slugs))


def bump_generation():
    """Every cached entry about every company is stale from now on."""
    bump(GENERATION_KEY)
