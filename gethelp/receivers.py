"""What drops cached pages: changes announced by the apps below, connected in GethelpConfig.ready().

A row saved or deleted drops the pages of its company at once and again once the
change is committed: a page rendered from the old rows between the two would
otherwise be stored under the new stamp. Changes made set-wise (sweeps, bulk
resolutions), which send no per-row signal, move the generation of every page.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from core.batching import collector
from core.redis_client import client
from directory.models import Category, Company, ContactChannel
from directory.signals import channels_changed, page_views_added
from freshness.models import ChannelReport, Flag
from freshness.signals import flags_added, flags_resolved, grades_changed
from guides.models import Guide
from guides.signals import guides_changed

from . import page_cache


def _slugs_of(instance):
    """The slugs of the page showing `instance` (a company, channel, guide, report or flag)."""
    if isinstance(instance, Company):
        return {instance.slug, getattr(instance, "_slug_before_save", None)} - {None}
    if hasattr(instance, "company_id"):
        company_id = instance.company_id
    else:
        owner = getattr(instance, "channel", None) or getattr(instance, "guide", None)
        company_id = owner.company_id if owner else None
    return set(Company.objects.filter(pk=company_id).values_list("slug", flat=True)) if company_id else set()


def in_bulk_write():
    """Inside a batch (an import): collect, and move every page's generation once when it ends,
    instead of a query and two cache writes per saved row."""
    pending = collector("page-cache-bulk", lambda _: drop_every_page(None))
    if pending is None:
        return False
    pending.add(True)
    return True


def remember_slug_before_save(sender, instance, **kwargs):
    if instance.pk and client() is not None and not in_bulk_write():
        instance._slug_before_save = (
            sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        )


def drop_company_pages(sender, instance, **kwargs):
    if client() is None or in_bulk_write():
        return
    slugs = _slugs_of(instance)
    if slugs:
        page_cache.invalidate_company(slugs)
        transaction.on_commit(lambda: page_cache.invalidate_company(slugs))


def drop_every_page(sender, **kwargs):
    """A category name shows on every company page of the category; set-wise changes name no rows."""
    if in_bulk_write():
        return
    page_cache.invalidate_all()
    transaction.on_commit(page_cache.invalidate_all)


# More graded companies than this move every page's generation instead of a version per slug.
GRADES_DROPPED_ONE_BY_ONE = 50


def drop_graded_pages(sender, company_ids, **kwargs):
    """A new grade shows on the company's page, and the home page lists grades too."""
    if client() is None:
        return
    if len(company_ids) > GRADES_DROPPED_ONE_BY_ONE:
        drop_every_page(sender)
        return
    slugs = set(Company.objects.filter(pk__in=company_ids).values_list("slug", flat=True))
    page_cache.invalidate_company(slugs)
    transaction.on_commit(lambda: page_cache.invalidate_company(slugs))


def drop_home_page(sender, **kwargs):
    """New view counts may reorder the most viewed companies on the home page."""
    page_cache.invalidate_home()


def connect():
    pre_save.connect(remember_slug_before_save, sender=Company, dispatch_uid="page-cache-company-slug")
    for model in (Company, ContactChannel, Guide, ChannelReport, Flag):
        post_save.connect(drop_company_pages, sender=model, dispatch_uid=f"page-cache-{model.__name__}")
        post_delete.connect(drop_company_pages, sender=model, dispatch_uid=f"page-cache-del-{model.__name__}")
    post_save.connect(drop_every_page, sender=Category, dispatch_uid="page-cache-category")
    flags_added.connect(drop_every_page, dispatch_uid="page-cache-flags-added")
    flags_resolved.connect(drop_every_page, dispatch_uid="page-cache-flags-resolved")
    grades_changed.connect(drop_graded_pages, dispatch_uid="page-cache-grades-changed")
    channels_changed.connect(drop_every_page, dispatch_uid="page-cache-channels-changed")
    guides_changed.connect(drop_every_page, dispatch_uid="page-cache-guides-changed")
    page_views_added.connect(drop_home_page, dispatch_uid="page-cache-page-views")
