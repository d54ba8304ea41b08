"""Company pages and the home page for anonymous visitors, kept in Redis until they change.

A page is stored under its slug, prefixed with the stamp it was rendered at: the
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
a miss: the page is rendered as usual.
"""

import logging

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpResponse

from gethelp.redis_client import client

from . import view_counts

log = logging.getLogger(__name__)
CSRF_PLACEHOLDER = "csrf-token-placeholder-4f0c"
GENERATION_KEY = "gethelp:page-cache:generation"
HOME_VERSION_KEY = "gethelp:page-cache:home"


def _safe(operation, *args, default=None):
    try:
        return operation(*args)
    except Exception as exc:  # the cache is an optimisation; never fail a page for it
        log.warning("page cache unavailable: %s", exc.__class__.__name__)
        return default


def cached(key, seconds, compute):
    """compute() through the cache; computed fresh when `key` is None or the cache fails."""
    value = _safe(cache.get, key) if key is not None else None
    if value is None:
        value = compute()
        if key is not None:
            _safe(cache.set, key, value, seconds)
    return value


def shared_page(request):
    """Anonymous visitors without pending messages all see the same page."""
    return not request.user.is_authenticated and not len(get_messages(request))


def cached_response(key, render):
    """render()'s page through the cache under `key` (None: not cached); only 200s are kept.

    The key must hold whatever invalidates the page, read before rendering, so a
    change made while the page renders leaves it under a key nobody asks for again.
    """
    html = _safe(cache.get, key) if key is not None else None
    if html is not None:
        return HttpResponse(html)
    response = render()
    if key is not None and response.status_code == 200:
        _safe(cache.set, key, response.content, settings.PAGE_CACHE_SECONDS)
    return response


def _page_key(slug):
    return f"gethelp:page-cache:page:{slug}"


def _version_key(slug):
    return f"gethelp:page-cache:version:{slug}"


def get_page(slug):
    """(stamp, page as bytes or None): the page if it is current. A None stamp: no cache.

    The same round trip counts a view of `slug` (view_counts.record), found or not.
    """
    redis_client = client()
    if redis_client is None:
        return None, None
    pipeline = redis_client.pipeline(transaction=False)
    pipeline.get(GENERATION_KEY).get(_version_key(slug)).get(_page_key(slug))
    pipeline.hincrby(view_counts.PENDING_KEY, slug, 1)
    found = _safe(pipeline.execute)
    if found is None:
        return None, None
    generation, version, entry, _ = found
    stamp = (generation or b"0") + b":" + (version or b"0")
    if entry and entry.startswith(stamp + b"\n"):
        return stamp, entry[len(stamp) + 1 :]
    return stamp, None


def set_page(slug, stamp, html):
    """Stores a page (bytes) rendered after `stamp` was read, so a change made meanwhile makes it stale."""
    if stamp is not None:
        _safe(client().set, _page_key(slug), stamp + b"\n" + html, settings.PAGE_CACHE_SECONDS)


def with_csrf_token(html, token):
    return html.replace(CSRF_PLACEHOLDER.encode(), token.encode())


def _bump(*keys):
    """Increments each key, in one round trip."""
    redis_client = client()
    if redis_client is not None:
        pipeline = redis_client.pipeline(transaction=False)
        for key in keys:
            pipeline.incr(key)
        _safe(pipeline.execute)


def invalidate_company(slugs):
    """Drops the pages of a company known by `slugs`, and the home page, where it may be listed."""
    _bump(*(_version_key(slug) for slug in slugs), HOME_VERSION_KEY)


def home_key():
    """The cache key of the home page as of now, or None: no cache."""
    redis_client = client()
    versions = _safe(redis_client.mget, [GENERATION_KEY, HOME_VERSION_KEY]) if redis_client else None
    if versions is None:
        return None
    return "page-cache:home:" + ":".join((version or b"0").decode() for version in versions)


def invalidate_home():
    """The home page lists the most viewed companies: any company change, or new view counts."""
    _bump(HOME_VERSION_KEY)


def invalidate_all():
    """For changes made set-wise (sweeps, bulk updates), where no per-row signal fires."""
    _bump(GENERATION_KEY)


def _slugs_of(instance):
    """The slugs of the page showing `instance` (a company, channel, guide, report or flag)."""
    from .models import Company

    if isinstance(instance, Company):
        return {instance.slug, getattr(instance, "_slug_before_save", None)} - {None}
    if hasattr(instance, "company_id"):
        company_id = instance.company_id
    else:
        owner = getattr(instance, "channel", None) or getattr(instance, "guide", None)
        company_id = owner.company_id if owner else None
    return set(Company.objects.filter(pk=company_id).values_list("slug", flat=True)) if company_id else set()


def _remember_slug_before_save(sender, instance, **kwargs):
    if instance.pk and client() is not None:
        instance._slug_before_save = (
            sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        )


def _on_change(sender, instance, **kwargs):
    if client() is None:
        return
    slugs = _slugs_of(instance)
    if slugs:
        # Now, and again once the change is committed: a page rendered from the
        # old rows between the two would otherwise be stored under the new stamp.
        invalidate_company(slugs)
        transaction.on_commit(lambda: invalidate_company(slugs))


def _on_category_change(sender, **kwargs):
    invalidate_all()  # a category name shows on every company page of the category


def connect():
    from guides.models import Guide

    from .models import Category, ChannelReport, Company, ContactChannel, Flag

    pre_save.connect(_remember_slug_before_save, sender=Company, dispatch_uid="page-cache-company-slug")
    for model in (Company, ContactChannel, Guide, ChannelReport, Flag):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"page-cache-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"page-cache-del-{model.__name__}")
    post_save.connect(_on_category_change, sender=Category, dispatch_uid="page-cache-category")
