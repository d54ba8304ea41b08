"""Merging a dataset's records into the directory without clobbering what people wrote.

One company per registrable domain across datasets; a name alone matches only within
a shared country, else the record waits for a person (ImportRun.review). Each fact
keeps its Provenance, which holds the fact as last imported; on a later import:

- the dataset says the same as last time: nothing is written ("unchanged");
- the dataset changed, and nobody changed or checked the fact since: it follows the
  dataset ("updated", with a line in the channel's history);
- the dataset changed, and a person changed or checked the fact since: a correction
  goes to the review queue with the dataset's new version ("proposed");
- the dataset no longer lists it: the channel is flagged for review ("flagged"),
  never deleted; an obsolete record retires its channels with the reason in their history.
"""

import re
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import UTC, datetime, time

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from core.domains import registrable_domain
from directory.models import Category, Company, ContactChannel
from directory.signals import channels_changed
from freshness.models import Flag
from guides.models import ChannelChange, ChannelCorrection, Guide

from .adapters.base import Rejection
from .models import Provenance
from .sources import SOURCES

FACT_FIELDS = ("kind", "value", "notes", "label", "social_platform", "department")


@contextmanager
def relaxed_durability():
    """Each record commits on its own; PostgreSQL need not wait for the disk on each: a crash
    loses at most the last moment's records, never half of one, and the next run imports them."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def fold(name):
    """A name as matching compares it: case, accents kept, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[\W_]+", " ", name.casefold()).split())


def snapshot(channel):
    return {field: getattr(channel, field) for field in FACT_FIELDS}


class Merger:
    def __init__(self, source, retrieved, now=None):
        self.source = SOURCES[source]
        self.retrieved = retrieved
        self.now = now or timezone.now()
        self.verified_at = datetime.combine(retrieved, time(12), tzinfo=UTC)
        self.counts = Counter()
        self.rejections, self.review = [], []
        self.provenance = defaultdict(dict)
        # Channels are read only for the facts that changed or vanished.
        for fact in Provenance.objects.filter(source=source):
            self.provenance[fact.record_id][fact.key] = fact
        self.by_domain, self.by_name, self.countries = {}, defaultdict(set), {}
        for pk, name, website, aliases, countries in Company.objects.values_list(
            "pk", "name", "website", "aliases", "countries"
        ):
            self._remember(pk, name, website, aliases, countries)
        for company_id, imported in Provenance.objects.filter(key="company").values_list(
            "company_id", "imported"
        ):
            for domain in imported.get("domains", []):
                self.by_domain.setdefault(domain, company_id)
        self.companies = Company.objects.in_bulk(
            {fact.company_id for facts in self.provenance.values() for fact in facts.values()}
        )
        self.slugs = set(Company.objects.values_list("slug", flat=True))
        self.categories, self.made_here, self.new_facts, self.new_channels = {}, {}, [], []

    def _remember(self, pk, name, website, aliases, countries, domains=()):
        for domain in [registrable_domain(website), *domains]:
            if domain:
                self.by_domain.setdefault(domain, pk)
        for known in [name, *(aliases or [])]:
            self.by_name[fold(known)].add(pk)
        self.countries[pk] = set(countries or [])

    # Records -------------------------------------------------------------------

    def merge(self, record):
        """Merges one record in its own transaction: a failure leaves nothing of it half-written."""
        for rejection in record.rejections:
            self.reject(rejection)
        with transaction.atomic():
            company = self.company_for(record)
            if company is None:
                return
            self.new_facts, self.new_channels = [], []
            self.merge_company(company, record)
            for fact in record.facts:
                self.merge_fact(company, record, fact)
            if self.new_channels:
                # One INSERT; bulk inserts send no post_save, so the change is announced.
                ContactChannel.objects.bulk_create(self.new_channels)
                channels_changed.send(sender=ContactChannel, company_ids={company.pk})
            for guide in record.guides:
                self.merge_guide(company, record, guide)
            for known in Provenance.objects.bulk_create(self.new_facts):
                self.provenance[record.record_id][known.key] = known
            present = {fact.key for fact in [*record.facts, *record.guides]} | {
                r.field for r in record.rejections
            }
            self.flag_vanished(record.record_id, present)

    def reject(self, rejection):
        self.counts["rejected"] += 1
        self.rejections.append(rejection.as_dict())

    def company_for(self, record):
        known = self.provenance[record.record_id].get("company")
        if known is not None:
            return self.company(known.company_id)
        for domain in record.domains:
            if domain in self.by_domain:
                return self.company(self.by_domain[domain])
        same_name = self.by_name.get(fold(record.name), set())
        if same_name:
            shared = [pk for pk in sorted(same_name) if self.countries.get(pk, set()) & set(record.countries)]
            if shared:
                return self.company(shared[0])
            self.counts["review"] += 1
            self.review.append({"file": record.file, "record": record.record_id, "name": record.name,
                                "countries": record.countries, "companies": sorted(same_name),
                                "reason": "a company of this name exists, in no country this record names"})  # fmt: skip
            return None
        return self.create_company(record)

    def company(self, pk):
        if pk not in self.companies:
            self.companies[pk] = Company.objects.get(pk=pk)
        return self.companies[pk]

    def create_company(self, record):
        base = slugify(record.name)[:190] or slugify(record.record_id)[:190] or "company"
        slug, n = base, 1
        while slug in self.slugs:
            n += 1
            slug = f"{base}-{n}"
        company = Company(name=record.name, slug=slug, category=self.category_for(record.category),
                          website=record.website, countries=record.countries,
                          aliases=[a for a in record.aliases if fold(a) != fold(record.name)][:50])  # fmt: skip
        try:
            # The category is ours and the slug free (self.slugs): no queries to check them.
            company.full_clean(exclude=["category"], validate_unique=False)
        except ValidationError as exc:
            errors = getattr(exc, "message_dict", {"name": exc.messages})
            if set(errors) != {"website"}:
                field = next(iter(errors))
                self.reject(Rejection(record.file, record.record_id, field, " ".join(errors[field])))
                return None
            # Only the website is wrong: the company comes without it.
            self.reject(Rejection(record.file, record.record_id, "web", " ".join(errors["website"])))
            company.website = record.website = ""
        company.save()
        self.companies[company.pk], self.made_here[company.pk] = company, {}
        self.slugs.add(slug)
        self._remember(
            company.pk, company.name, company.website, company.aliases, company.countries, record.domains
        )
        self.counts["companies created"] += 1
        return company

    def category_for(self, name):
        slug = slugify(name)[:100] or "other"
        if slug not in self.categories:
            self.categories[slug], _ = Category.objects.get_or_create(
                slug=slug, defaults={"name": (name or "Other")[:100].capitalize()}
            )
        return self.categories[slug]

    def merge_company(self, company, record):
        """Adds the record's brands, countries and website to the company; never removes or replaces them."""
        aliases = list(company.aliases)
        known_names = {fold(a) for a in [company.name, *aliases]}
        for alias in [record.name, *record.aliases]:  # a record merged by domain may name it otherwise
            if fold(alias) not in known_names and len(aliases) < 50:
                aliases.append(alias)
                known_names.add(fold(alias))
        countries = company.countries + [c for c in record.countries if c not in company.countries]
        website = company.website or self.valid_website(record.website)
        changed = (aliases, countries, website) != (company.aliases, company.countries, company.website)
        if changed:
            company.aliases, company.countries, company.website = aliases, countries, website
            company.save(update_fields=["aliases", "countries", "website", "modified"])
            self._remember(company.pk, company.name, website, aliases, countries, record.domains)
        imported = {"name": record.name, "website": record.website, "domains": record.domains,
                    "aliases": record.aliases, "countries": record.countries}  # fmt: skip
        known = self.provenance[record.record_id].get("company")
        if known is None:
            self.remember_fact(record, "company", company, None, imported)
            return
        if known.imported != imported:
            self.refresh(known, record, imported)
        self.counts["updated" if changed else "unchanged"] += 1

    @staticmethod
    def valid_website(url):
        try:
            return Company._meta.get_field("website").clean(url, None) if url else ""
        except ValidationError:
            return ""  # reported when the company was created from it

    # Facts ---------------------------------------------------------------------

    def merge_fact(self, company, record, fact):
        key = f"channel:{fact.key}"
        probe = ContactChannel(company=company, kind=fact.kind, value=fact.value, notes=fact.notes,
                               label=fact.label, social_platform=fact.social_platform,
                               department=self.source.department,
                               country=record.countries[0] if len(record.countries) == 1 else "")  # fmt: skip
        try:
            probe.value = probe.normalised_value()
        except ValidationError as exc:
            return self.reject(Rejection(record.file, record.record_id, fact.key, " ".join(exc.messages)))
        new = snapshot(probe)
        known = self.provenance[record.record_id].get(key)
        if known is not None and known.channel_id:
            return self.follow(known, record, new)
        if company.pk in self.made_here:  # a company of this run has only the channels made here
            channel = self.made_here[company.pk].get((probe.kind, probe.value))
        else:
            channel = company.channels.filter(kind=probe.kind, value=probe.value).first()
        if channel is None:
            channel = self.create_channel(probe, record)
            if channel is None:
                return None
            self.made_here.get(company.pk, {})[(probe.kind, probe.value)] = channel
        else:
            self.counts["updated"] += 1  # a channel people added, now also in the dataset
        self.remember_fact(record, key, company, channel, new)
        return None

    def create_channel(self, probe, record):
        probe.source_url = next((url for url in record.source_urls if len(url) <= 500), "")
        probe.source_seen_at = self.verified_at
        if record.verified:
            probe.last_verified_at = self.verified_at
        try:
            probe.full_clean(exclude=["company"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            field = next(iter(exc.message_dict), "") if hasattr(exc, "message_dict") else ""
            message = " ".join(exc.messages)
            return self.reject(Rejection(record.file, record.record_id, field or probe.kind, message))
        self.new_channels.append(probe)
        self.counts["channels created"] += 1
        return probe

    def follow(self, known, record, new):
        """A fact imported before: follow the dataset, or propose its change where people worked."""
        if known.imported == new and known.vanished_at is None:
            self.counts["unchanged"] += 1
            return
        channel = known.channel
        if self.touched_by_people(channel, known):
            if known.proposed == new or known.imported == new:
                self.counts["unchanged"] += 1
                return
            self.propose(channel, record, known, new)
            known.proposed = new
            known.save(update_fields=["proposed"])
            self.counts["proposed"] += 1
            return
        before = ChannelChange.snapshot(channel)
        for field, value in new.items():
            setattr(channel, field, value)
        try:
            channel.full_clean(exclude=["company"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            channel.refresh_from_db()
            return self.reject(
                Rejection(record.file, record.record_id, known.key.split(":")[-1], " ".join(exc.messages))
            )
        channel.save()
        ChannelChange.objects.create(channel=channel, changes=ChannelChange.difference(before, ChannelChange.snapshot(channel)),
                                     summary=f"Updated from {self.source.name}, record “{record.record_id}”"[:200])  # fmt: skip
        self.refresh(known, record, new)
        self.counts["updated"] += 1

    def merge_guide(self, company, record, fact):
        """A guide from the dataset: published as a revision where nobody edited it since, else
        a revision waiting for review; never a second guide of a kind people already wrote."""
        key = f"guide:{fact.key}"
        new = {
            "title": fact.title,
            "body": fact.body,
            "difficulty": fact.difficulty,
            "estimated_minutes": None,
        }
        known = self.provenance[record.record_id].get(key)
        summary = f"From {self.source.name}, record “{record.record_id}”"[:200]
        if known is not None and known.guide_id:
            if known.imported == new or known.proposed == new:
                self.counts["unchanged"] += 1
                return None
            guide = known.guide
            edited = {field: getattr(guide, field) for field in Guide.CONTENT_FIELDS} != known.imported
            channel_ids = sorted(guide.channels.values_list("pk", flat=True))
            guide.save_revision(None, {**new, "channel_ids": channel_ids}, summary, publish=not edited)
            if edited:
                known.proposed = new
                known.save(update_fields=["proposed"])
                self.counts["proposed"] += 1
            else:
                self.refresh(known, record, new)
                self.counts["updated"] += 1
            return None
        if company.guides.filter(kind=fact.kind).exists():
            self.counts["review"] += 1
            self.review.append({"file": record.file, "record": record.record_id, "name": record.name,
                                "reason": f"{company.name} already has a “{fact.kind}” guide"})  # fmt: skip
            return None
        slugs = set(company.guides.values_list("slug", flat=True))
        base = fact.key.replace("_", "-")
        slug = base if base not in slugs else f"{base}-{self.source.key}"
        guide = Guide(company=company, kind=fact.kind, slug=slug, **new, is_published=True,
                      last_verified_at=self.verified_at if record.verified else None)  # fmt: skip
        try:
            guide.full_clean(
                exclude=["company", "current_revision"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            return self.reject(Rejection(record.file, record.record_id, fact.key, " ".join(exc.messages)))
        guide.save()
        kinds = [f.kind for f in record.facts]
        guide.channels.set(company.channels.filter(department=self.source.department, kind__in=kinds))
        guide.record_revision_of_current_text(None, summary)
        self.remember_fact(record, key, company, None, new, guide=guide)
        self.counts["guides created"] += 1
        return None

    def touched_by_people(self, channel, known):
        """Changed or checked by a person since it was imported (or retired by one)."""
        checked = (
            channel.last_verified_by_id is not None
            and (channel.last_verified_at or self.now) > known.imported_at
        )
        return snapshot(channel) != known.imported or channel.status != "active" or checked

    def propose(self, channel, record, known, new):
        changed = {field: value for field, value in new.items() if getattr(channel, field) != value}
        words = "; ".join(f"{field}: {str(value)[:200]}" for field, value in changed.items())
        ChannelCorrection.objects.create(
            company=channel.company, channel=channel, action=ChannelCorrection.Action.FIX,
            proposed={field: value for field, value in changed.items() if field in ChannelCorrection.FIELDS},
            reason=f"{self.source.name}, record “{record.record_id}” (retrieved {self.retrieved:%-d %b %Y}) "
                   f"now says {words}. Sources: {' '.join(record.source_urls[:3])}"[:2000],
        )  # fmt: skip

    def flag_vanished(self, record_id, present):
        for key, known in self.provenance[record_id].items():
            if key == "company" or key.split(":", 1)[1] in present or known.vanished_at:
                continue
            evidence = {
                "source": self.source.name,
                "record": record_id,
                "retrieved": self.retrieved.isoformat(),
            }
            target = {"channel": known.channel} if known.channel_id else {"guide": known.guide}
            live = known.channel.status == "active" if known.channel_id else known.guide.is_published
            if live and not Flag.objects.open().filter(reason=Flag.Reason.SOURCE, **target).exists():
                Flag.objects.create(reason=Flag.Reason.SOURCE, evidence=evidence, **target)
            known.vanished_at = self.now
            known.save(update_fields=["vanished_at"])
            self.counts["flagged"] += 1

    def retire_obsolete(self, record_id, reason):
        """The dataset retired the record: its channels are retired, with the reason in their history."""
        with transaction.atomic():
            channels = [known.channel for known in self.provenance[record_id].values()
                        if known.channel is not None and known.channel.status == "active"]  # fmt: skip
            if not channels:
                self.counts["unchanged"] += record_id in self.provenance
                return
            ContactChannel.objects.filter(pk__in=[c.pk for c in channels]).retire(self.now)
            ChannelChange.objects.bulk_create(
                ChannelChange(channel=channel, changes={"status": ["active", "retired"]},
                              summary=f"Retired: {self.source.name} marks record “{record_id}” obsolete"
                                      f"{f' ({reason})' if reason else ''}"[:200])
                for channel in channels
            )  # fmt: skip
            self.counts["retired"] += len(channels)

    def finish(self, seen):
        """After every record: what the dataset dropped without a word is flagged; what it still
        lists takes the new retrieval date (one UPDATE, and none when the date is the same)."""
        for record_id in set(self.provenance) - set(seen):
            with transaction.atomic():
                self.flag_vanished(record_id, present=set())
        older = {fact.retrieved for facts in self.provenance.values() for fact in facts.values()} - {
            self.retrieved
        }
        if older:
            Provenance.objects.filter(
                source=self.source.key, record_id__in=list(seen), vanished_at=None
            ).exclude(retrieved=self.retrieved).update(retrieved=self.retrieved)

    # Provenance ------------------------------------------------------------------

    def remember_fact(self, record, key, company, channel, imported, guide=None):
        """A new fact's provenance, written with the record's others in one INSERT."""
        self.new_facts.append(Provenance(
            source=self.source.key, record_id=record.record_id, key=key, company=company, channel=channel, guide=guide,
            licence=self.source.licence, retrieved=self.retrieved, source_urls=record.source_urls[:20],
            imported=imported, imported_at=self.now,
        ))  # fmt: skip

    def refresh(self, known, record, imported):
        known.imported, known.imported_at, known.retrieved = imported, self.now, self.retrieved
        known.source_urls, known.vanished_at, known.proposed = record.source_urls[:20], None, None
        known.save(
            update_fields=["imported", "imported_at", "retrieved", "source_urls", "vanished_at", "proposed"]
        )
