"""Company page views, which rank the home page and the review queue.

With Redis a view is one HINCRBY on a hash of slugs (a cached page counts its view
in the same round trip that fetches it, see gethelp/page_cache.py), and a periodic job adds
the counts to Company.view_count, a batch of companies per statement, so a page
view never waits for a database commit. In the embedded default, or while Redis is
down, a view is a single UPDATE.
"""

import logging

import redis
from django.db import transaction
from django.db.models import Case, F, Value, When

from core.redis_client import client

from .models import Company
from .signals import page_views_added

log = logging.getLogger(__name__)
PENDING_KEY = "gethelp:page-views:pending"
FLUSHING_KEY = "gethelp:page-views:flushing"


def record(slug):
    redis_client = client()
    if redis_client is not None:
        try:
            redis_client.hincrby(PENDING_KEY, slug, 1)
            return
        except redis.RedisError as exc:
            log.warning("page views counted in the database: %s", exc.__class__.__name__)
    Company.objects.filter(slug=slug).update(view_count=F("view_count") + 1)


def forget(slug):
    """Drops the views counted for a slug that names no company (a visit that ended in a 404)."""
    redis_client = client()
    if redis_client is not None:
        try:
            redis_client.hdel(PENDING_KEY, slug)
        except redis.RedisError as exc:
            log.warning("page views of a missing page kept: %s", exc.__class__.__name__)


def flush(batch_size=1000):
    """Adds the views counted in Redis to the companies; returns how many slugs got views.

    Sends page_views_added when some did: the most viewed may have changed places.

    The counts move to a second key first, so views arriving meanwhile wait for the
    next run. A run that died before applying them leaves that key behind, and the
    next run applies it first; one that died after committing would count them twice,
    which a popularity ranking can bear. A company renamed since the view loses the
    views counted under its old slug.
    """
    redis_client = client()
    if redis_client is None:
        return 0
    if not redis_client.exists(FLUSHING_KEY):
        try:
            redis_client.rename(PENDING_KEY, FLUSHING_KEY)
        except redis.ResponseError:  # no views since the last run
            return 0
    counts = sorted((slug.decode(), int(views)) for slug, views in redis_client.hgetall(FLUSHING_KEY).items())
    with transaction.atomic():
        for start in range(0, len(counts), batch_size):
            batch = counts[start : start + batch_size]
            views = Case(*(When(slug=slug, then=Value(n)) for slug, n in batch), default=Value(0))
            Company.objects.filter(slug__in=[slug for slug, _ in batch]).update(
                view_count=F("view_count") + views
            )
    redis_client.delete(FLUSHING_KEY)
    if counts:
        page_views_added.send(sender=Company, companies=len(counts))
    return len(counts)
