"""Company pages and the home page for anonymous visitors, kept in Redis until they change.

A page is stored under its slug and the visitor's country (whose channels it lists
first), prefixed with the stamp it was rendered at: the
directory-wide generation and the slug's version. Saving or deleting the company,
one of its channels, guides, reports or flags bumps the version of the company's
slug (and of its previous slug on a rename), row by row, imports included;
set-wise jobs (sweeps, bulk resolutions) bump the generation. A cached visit is
one Redis round trip (a pipeline reading the generation, the version and the
page, and counting the view) and no database query; the stamp is checked here
rather than in a Lua script, which cost Redis 66 µs a call copying the page
against 2 µs a command. Pages also expire after PAGE_CACHE_SECONDS, because "open
now" and "verified N days ago" change with the clock. The CSRF token is stored as
a placeholder and filled in per visitor.

The home page, which lists the most viewed companies, is kept under the generation
and a home version that any company change and every flush of view counts bump.

Without Redis (the embedded default) nothing is cached, and any Redis failure is
a miss: the page is rendered as usual. What drops pages is in receivers.py.
"""

from django.conf import settings

from core.caching import safe
from core.redis_client import client
from core.versions import GENERATION_KEY, bump, stamp, version_key
from directory import view_counts

CSRF_PLACEHOLDER = "csrf-token-placeholder-4f0c"
HOME_VERSION_KEY = "gethelp:page-cache:home"


def _page_key(slug, country):
    return f"gethelp:page-cache:page:{slug}:{country}"


def get_page(slug, country=""):
    """(stamp, page as bytes or None): the page, as shown to visitors from `country`, if it is
    current. A None stamp: no cache.

    The same round trip counts a view of `slug` (view_counts.record), found or not.
    """
    redis_client = client()
    if redis_client is None:
        return None, None
    pipeline = redis_client.pipeline(transaction=False)
    pipeline.get(GENERATION_KEY).get(version_key(slug)).get(_page_key(slug, country))
    pipeline.hincrby(view_counts.PENDING_KEY, slug, 1)
    found = safe(pipeline.execute)
    if found is None:
        return None, None
    generation, version, entry, _ = found
    current = stamp(generation, version)
    if entry and entry.startswith(current + b"\n"):
        return current, entry[len(current) + 1 :]
    return current, None


def set_page(slug, rendered_at, html, country=""):
    """Stores a page (bytes) rendered after the stamp `rendered_at` was read, so a change made
    meanwhile makes it stale."""
    if rendered_at is not None:
        safe(client().set, _page_key(slug, country), rendered_at + b"\n" + html, settings.PAGE_CACHE_SECONDS)


def with_csrf_token(html, token):
    return html.replace(CSRF_PLACEHOLDER.encode(), token.encode())


def invalidate_company(slugs):
    """Drops the pages of a company known by `slugs`, and the home page, where it may be listed."""
    bump(*(version_key(slug) for slug in slugs), HOME_VERSION_KEY)


def home_key():
    """The cache key of the home page as of now, or None: no cache."""
    redis_client = client()
    versions = safe(redis_client.mget, [GENERATION_KEY, HOME_VERSION_KEY]) if redis_client else None
    if versions is None:
        return None
    return "page-cache:home:" + ":".join((version or b"0").decode() for version in versions)


def invalidate_home():
    """The home page lists the most viewed companies: any company change, or new view counts."""
    bump(HOME_VERSION_KEY)


def invalidate_all():
    """For changes made set-wise (sweeps, bulk updates), where no per-row signal fires."""
    bump(GENERATION_KEY)
