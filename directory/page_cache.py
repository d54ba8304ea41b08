"""Rendered company pages for anonymous visitors, kept in the cache until the company changes.

The key holds a per-company version and a directory-wide generation: saving or
deleting the company, one of its channels, guides, reports or flags bumps the
company's version; set-wise jobs (sweeps, bulk resolutions, imports) bump the
generation. Pages also expire after PAGE_CACHE_SECONDS, because "open now" and
"verified N days ago" change with the clock. The CSRF token is stored as a
placeholder and filled in per visitor. Any cache failure (Redis down) is a miss:
the page is rendered as usual.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

log = logging.getLogger(__name__)
CSRF_PLACEHOLDER = "csrf-token-placeholder-4f0c"
GENERATION_KEY = "page-cache:generation"


def _safe(operation, *args, default=None):
    try:
        return operation(*args)
    except Exception as exc:  # the cache is an optimisation; never fail a page for it
        log.warning("page cache unavailable: %s", exc.__class__.__name__)
        return default


def cached(key, seconds, compute):
    """compute() through the cache; computed fresh whenever the cache fails."""
    value = _safe(cache.get, key)
    if value is None:
        value = compute()
        _safe(cache.set, key, value, seconds)
    return value


def company_id_for(slug):
    return _safe(cache.get, f"page-cache:slug:{slug}")


def remember_slug(slug, company_id):
    _safe(cache.set, f"page-cache:slug:{slug}", company_id, 24 * 3600)


def forget_slug(slug):
    _safe(cache.delete, f"page-cache:slug:{slug}")


def page_key(company_id):
    versions = _safe(cache.get_many, [GENERATION_KEY, f"page-cache:company:{company_id}"], default=None)
    if versions is None:
        return None
    generation = versions.get(GENERATION_KEY, 0)
    version = versions.get(f"page-cache:company:{company_id}", 0)
    return f"page-cache:page:{company_id}:{generation}:{version}"


def get_page(key):
    return _safe(cache.get, key) if key else None


def set_page(key, html):
    if key:
        _safe(cache.set, key, html, settings.PAGE_CACHE_SECONDS)


def _bump(key):
    if _safe(cache.add, key, 1, None) is False:
        _safe(cache.incr, key)


def invalidate_company(company_id):
    _bump(f"page-cache:company:{company_id}")


def invalidate_all():
    """For changes made set-wise (sweeps, bulk updates), where no per-row signal fires."""
    _bump(GENERATION_KEY)


def _company_id_of(instance):
    """The company whose page shows `instance`: a company, channel, guide, report or flag."""
    from .models import Company

    if isinstance(instance, Company):
        return instance.pk
    if hasattr(instance, "company_id"):
        return instance.company_id
    owner = getattr(instance, "channel", None) or getattr(instance, "guide", None)
    return owner.company_id if owner else None


def _on_change(sender, instance, **kwargs):
    company_id = _company_id_of(instance)
    if company_id:
        invalidate_company(company_id)


def _on_category_change(sender, **kwargs):
    invalidate_all()  # a category name shows on every company page of the category


def connect():
    from guides.models import Guide

    from .models import Category, ChannelReport, Company, ContactChannel, Flag

    for model in (Company, ContactChannel, Guide, ChannelReport, Flag):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"page-cache-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"page-cache-del-{model.__name__}")
    post_save.connect(_on_category_change, sender=Category, dispatch_uid="page-cache-category")
