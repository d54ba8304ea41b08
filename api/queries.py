"""What the API's list endpoints select: published companies and categories, filtered."""

import logging

from django.db.models import Exists, OuterRef, Q

from directory.models import Category, Company, ContactChannel
from guides.models import Guide
from search.queries import domain_owners

from .errors import Unavailable

log = logging.getLogger(__name__)


def companies(params):
    """Companies matching the list's filters (api/params.py CompanyListParams), with their
    category and best channel (two queries a page)."""
    found = Company.objects.with_best_channel()
    if "q" in params:
        q = params["q"]
        found = found.filter(Q(name__icontains=q) | Q(aliases__icontains=q))
    if "category" in params:
        found = found.filter(category=params["category"])
    if "country" in params:
        found = found.serving(params["country"])
    if "domain" in params:
        found = found.filter(pk__in=[pk for pk, _ in owners_of(*params["domain"])])
    if "updated_since" in params:
        found = updated_since(found, params["updated_since"])
    return found


def updated_since(found, moment):
    """Companies that changed at or after `moment`: the company itself, one of its channels,
    or one of its published guides."""
    channels = ContactChannel.objects.filter(company=OuterRef("pk"), modified__gte=moment)
    guides = Guide.objects.published().filter(company=OuterRef("pk"), modified__gte=moment)
    return found.filter(Q(modified__gte=moment) | Exists(channels) | Exists(guides))


def owners_of(host, domain):
    """[(company pk, owns the domain)] from the search index (search.queries.domain_owners);
    Unavailable (a 503) when the index cannot be read."""
    try:
        return domain_owners(host, domain)
    except Exception as exc:  # any engine failure: say so, never a 500
        log.warning("domain lookup unavailable: %s", exc.__class__.__name__)
        raise Unavailable() from exc


def lookup(host, domain, limit=10):
    """The companies known by a domain, owners first, each with `owns_domain` set."""
    owners = dict(owners_of(host, domain)[:limit])
    found = Company.objects.with_best_channel().in_bulk(list(owners))
    ordered = [found[pk] for pk in owners if pk in found]
    for company in ordered:
        company.owns_domain = owners[company.pk]
    return ordered


def categories():
    return Category.objects.with_company_counts()
