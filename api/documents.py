"""A company's API document: built in a fixed number of queries, kept in Redis until it changes.

The document is stored with its ETag and Last-Modified under the company's stamp
(core/versions.py), which every change to the company, its channels, guides, reports and
flags moves on: a cached request is one Redis round trip (which also counts the request
for the rate limit) and no query. Without Redis
(the embedded default), or when Redis fails, it is built each time.
"""

import base64
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, OuterRef, Prefetch, Subquery
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from core.caching import safe
from core.redis_client import client
from core.versions import GENERATION_KEY, stamp, version_key
from directory.models import Company
from freshness import feedback
from freshness.models import ChannelReport, Flag
from guides.models import Guide
from opendata.models import Provenance
from opendata.sources import SOURCES

from .serializers import CompanyDetailSerializer


@dataclass
class Document:
    body: bytes
    etag: str
    last_modified: int  # seconds since the epoch

    def dump(self):
        return b"%s\n%d\n%s" % (self.etag.encode(), self.last_modified, self.body)

    @classmethod
    def load(cls, entry):
        etag, last_modified, body = entry.split(b"\n", 2)
        return cls(body, etag.decode(), int(last_modified))


def weak_etag(body):
    """W/"…" from a hash of the body: it changes exactly when the body does."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(body).digest()[:18]).decode()
    return f'W/"{digest}"'


def _key(slug):
    return f"api:company:{slug}"


def company_document(slug, hit=None):
    """(the company's Document or None when there is no such company, the request's hit count
    or None), from the cache while it is current. `hit` (api.throttling.Hit) is counted in
    the same Redis round trip as the cache is read."""
    redis_client = client()
    current = counted = None
    if redis_client is not None:
        pipeline = redis_client.pipeline(transaction=True)
        pipeline.get(GENERATION_KEY).get(version_key(slug)).get(_key(slug))
        if hit is not None:
            hit.queue(pipeline)
        found = safe(pipeline.execute)
        if found is not None:
            generation, version, entry = found[:3]
            counted = found[3] if hit is not None else None
            current = stamp(generation, version)
            if entry and entry.startswith(current + b"\n"):
                return Document.load(entry[len(current) + 1 :]), counted
    document = build_document(slug)
    if document is not None and current is not None:
        safe(redis_client.set, _key(slug), current + b"\n" + document.dump(), settings.API_CACHE_SECONDS)
    return document, counted


def company_for_api(slug):
    """The company with its category, active channels (best first) and published guides
    (with their published revision), or None."""
    published = Guide.objects.published().select_related("current_revision").order_by("kind", "title")
    return (
        Company.objects.with_best_channel()
        .prefetch_related(Prefetch("guides", queryset=published))
        .filter(slug=slug)
        .first()
    )


def build_document(slug):
    """The company's Document from the database (seven queries whatever its size), or None."""
    company = company_for_api(slug)
    if company is None:
        return None
    feedback.attach_freshness(company, timezone.now())  # reports' summaries and open flags
    attach_facts(company)
    data = CompanyDetailSerializer(company, context={"company": company}).data
    body = JSONRenderer().render(data)
    return Document(body, weak_etag(body), int(last_modified(company).timestamp()))


def attach_facts(company):
    """Sets `facts` (Provenance rows) on the company, each channel and each guide, and
    `sources` (the datasets they came from) on the company, in one query. Facts a dataset
    no longer lists keep theirs: what was taken from it stays under its licence."""
    facts = list(Provenance.objects.filter(company=company).order_by("source", "record_id", "key"))
    company.facts = [f for f in facts if f.channel_id is None and f.guide_id is None]
    for channel in company.active_channels:
        channel.facts = [f for f in facts if f.channel_id == channel.pk]
    for guide in company.guides.all():
        guide.facts = [f for f in facts if f.guide_id == guide.pk]
    company.sources = [SOURCES[key] for key in sorted({f.source for f in facts}) if key in SOURCES]
    company.facts_changed = max((f.imported_at for f in facts), default=None)


def last_modified(company):
    """The latest change to anything the document says: the rows it is built from, the
    latest answer counted in a success rate and the latest flag (one query)."""
    reports = ChannelReport.objects.filter(channel__company=OuterRef("pk"), weight__gt=0)
    flags = Flag.objects.filter(company=OuterRef("pk"))
    answered, flagged = (
        Company.objects.filter(pk=company.pk)
        .values_list(
            Subquery(reports.values("channel__company").annotate(at=Max("created")).values("at")),
            Subquery(flags.values("company").annotate(at=Max("modified")).values("at")),
        )
        .get()
    )
    times = [company.modified, company.category.modified, answered, flagged, company.facts_changed]
    times += [c.modified for c in company.active_channels] + [g.modified for g in company.guides.all()]
    return max(t for t in times if t is not None)
