"""Rendered company pages for anonymous visitors, kept in Redis until the company changes.

A page is stored under its slug, prefixed with the stamp it was rendered at: the
directory-wide generation and the slug's version. Saving or deleting the company,
one of its channels, guides, reports or flags bumps the version of the company's
slug (and of its previous slug on a rename); set-wise jobs (sweeps, bulk
resolutions, imports) bump the generation. A cached visit is one Redis call (a
small Lua script) that checks the stamp, counts the view and returns the page, with
no database query. Pages also expire after PAGE_CACHE_SECONDS, because "open now"
and "verified N days ago" change with the clock. The CSRF token is stored as a
placeholder and filled in per visitor.

Without Redis (the embedded default) nothing is cached, and any Redis failure is
a miss: the page is rendered as usual.
"""

import logging
from functools import cache as once_per

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

# KEYS: page, slug version, generation, pending views; ARGV: slug.
# Returns {stamp, page or false}; a current page also counts one view of the slug.
GET_PAGE = """
local stamp = (redis.call('GET', KEYS[3]) or '0') .. ':' .. (redis.call('GET', KEYS[2]) or '0')
local entry = redis.call('GET', KEYS[1])
if entry and string.sub(entry, 1, #stamp + 1) == stamp .. '\\n' then
  redis.call('HINCRBY', KEYS[4], ARGV[1], 1)
  return {stamp, string.sub(entry, #stamp + 2)}
end
return {stamp, false}
"""


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


@once_per
def _get_page_script(redis_client):
    return redis_client.register_script(GET_PAGE)


def get_page(slug):
    """(stamp, page as bytes or None); a page found also counts the view. A None stamp: no cache."""
    redis_client = client()
    if redis_client is None:
        return None, None
    keys = [_page_key(slug), _version_key(slug), GENERATION_KEY, view_counts.PENDING_KEY]
    found = _safe(_get_page_script(redis_client), keys, [slug])
    if found is None:
        return None, None
    stamp, page = found
    return stamp, page or None


def set_page(slug, stamp, html):
    """Stores a page (bytes) rendered after `stamp` was read, so a change made meanwhile makes it stale."""
    if stamp is not None:
        _safe(client().set, _page_key(slug), stamp + b"\n" + html, settings.PAGE_CACHE_SECONDS)


def with_csrf_token(html, token):
    return html.replace(CSRF_PLACEHOLDER.encode(), token.encode())


def _bump(key):
    redis_client = client()
    if redis_client is not None:
        _safe(redis_client.incr, key)


def invalidate_company(company_id, *slugs):
    from .models import Company

    if client() is None:
        return
    slugs = set(slugs) | set(Company.objects.filter(pk=company_id).values_list("slug", flat=True))
    for slug in slugs:
        _bump(_version_key(slug))


def invalidate_all():
    """For changes made set-wise (sweeps, bulk updates), where no per-row signal fires."""
    _bump(GENERATION_KEY)


def _company_of(instance):
    """(company id, known slugs) of the page showing `instance`: a company, channel, guide, report or flag."""
    from .models import Company

    if isinstance(instance, Company):
        return instance.pk, {instance.slug, getattr(instance, "_slug_before_save", None)} - {None}
    if hasattr(instance, "company_id"):
        return instance.company_id, set()
    owner = getattr(instance, "channel", None) or getattr(instance, "guide", None)
    return (owner.company_id, set()) if owner else (None, set())


def _remember_slug_before_save(sender, instance, **kwargs):
    if instance.pk and client() is not None:
        instance._slug_before_save = (
            sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        )


def _on_change(sender, instance, **kwargs):
    company_id, slugs = _company_of(instance)
    if company_id and client() is not None:
        # Now, and again once the change is committed: a page rendered from the
        # old rows between the two would otherwise be stored under the new stamp.
        invalidate_company(company_id, *slugs)
        transaction.on_commit(lambda: invalidate_company(company_id, *slugs))


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
