"""What the API says about categories, companies, channels and guides.

The detail serializers read what api/documents.py attached to the objects (summaries,
flags, provenance), so serialising makes no query.
"""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from directory.models import Category, Company, ContactChannel
from freshness.feedback import ChannelSummary, typical_wait, wait_text
from guides import published
from guides.corrections import FIELD_LABELS, describe
from guides.models import Guide
from guides.rendering import render_markdown

from . import changes, cursors


def site_url(path):
    return settings.SITE_URL + path


def api_company_url(slug):
    return site_url(reverse("api:company", args=[slug]))


class CategorySerializer(serializers.ModelSerializer):
    companies = serializers.SerializerMethodField()
    company_count = serializers.IntegerField(read_only=True)
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ["slug", "name", "description", "company_count", "companies", "page_url"]

    def get_companies(self, category):
        return site_url(reverse("api:companies")) + f"?category={category.slug}"

    def get_page_url(self, category):
        return site_url(category.get_absolute_url())


class CategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "name"]


class ChannelBriefSerializer(serializers.ModelSerializer):
    display_value = serializers.CharField()
    href = serializers.CharField()

    class Meta:
        model = ContactChannel
        fields = ["id", "kind", "value", "display_value", "href", "department", "country"]


class CompanySerializer(serializers.ModelSerializer):
    """A company in a list: who it is and the best way to reach a human."""

    category = CategoryBriefSerializer()
    domain = serializers.CharField()
    best_channel = ChannelBriefSerializer(allow_null=True)
    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Company
        fields = [
            "id", "slug", "name", "aliases", "category", "website", "domain", "countries", "description",
            "no_phone_support", "best_channel", "created", "modified", "url", "page_url",
        ]  # fmt: skip

    def get_url(self, company):
        return api_company_url(company.slug)

    def get_page_url(self, company):
        return site_url(company.get_absolute_url())


class ProvenanceSerializer(serializers.Serializer):
    """Where an imported fact came from, under which licence; a fact people added has none."""

    source = serializers.CharField()
    record_id = serializers.CharField()
    licence = serializers.CharField()
    licence_url = serializers.CharField(source="source_info.licence_url")
    retrieved = serializers.DateField()
    source_urls = serializers.ListField(child=serializers.CharField())
    attribution = serializers.CharField()
    still_listed = serializers.SerializerMethodField()

    def get_still_listed(self, fact):
        return fact.vanished_at is None


class ChannelSerializer(serializers.ModelSerializer):
    """Everything known about one channel, with what people reported and where it came from."""

    display_value = serializers.CharField()
    href = serializers.CharField()
    menu_steps = serializers.ListField(source="ivr_summary", child=serializers.CharField())
    official = serializers.BooleanField(source="is_official")
    wait = serializers.SerializerMethodField()
    success_rate = serializers.SerializerMethodField()
    freshness = serializers.SerializerMethodField()
    provenance = ProvenanceSerializer(many=True, source="facts")

    class Meta:
        model = ContactChannel
        fields = [
            "id", "kind", "value", "display_value", "href", "social_platform", "label", "department",
            "country", "region", "reaches_human", "human_rank", "is_primary", "hours", "open_24_7",
            "time_zone", "ivr_steps", "menu_steps", "typical_wait_minutes", "wait", "success_rate",
            "notes", "source_url", "source_seen_at", "official", "freshness", "provenance", "modified",
        ]  # fmt: skip

    def get_wait(self, channel):
        minutes, reported = typical_wait(channel, channel.summary)
        if minutes is None:
            return None
        source = "reports" if reported else "listed"
        return {"minutes": minutes, "source": source, "text": wait_text(channel, channel.summary)}

    def get_success_rate(self, channel):
        summary: ChannelSummary = channel.summary
        return {
            "reports": summary.reports,
            "reached_human": summary.reached,
            "percent": summary.percent if summary.enough else None,
            "window_days": settings.FEEDBACK_WINDOW_DAYS,
            "text": str(summary),
        }

    def get_freshness(self, channel):
        verified = channel.last_verified_at
        interval = settings.REVERIFY_INTERVAL_DAYS.get(channel.kind)
        return {
            "last_verified_at": serializers.DateTimeField().to_representation(verified) if verified else None,
            "verify_again_by": (
                serializers.DateTimeField().to_representation(verified + timedelta(days=interval))
                if verified and interval
                else None
            ),
            "flagged": channel.flagged,
            "failing": channel.failing or None,
        }


class GuideSerializer(serializers.ModelSerializer):
    """A published guide: its published text only, as Markdown and as the site renders it."""

    revision = serializers.SerializerMethodField()
    body_markdown = serializers.CharField(source="body")
    body_html = serializers.SerializerMethodField()
    flagged = serializers.BooleanField()
    provenance = ProvenanceSerializer(many=True, source="facts")
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Guide
        fields = [
            "slug", "kind", "title", "difficulty", "estimated_minutes", "revision", "body_markdown",
            "body_html", "last_verified_at", "flagged", "provenance", "modified", "page_url",
        ]  # fmt: skip

    def get_revision(self, guide):
        return guide.current_revision.revision_number if guide.current_revision else None

    def get_body_html(self, guide):
        return render_markdown(guide.body)

    def get_page_url(self, guide):
        return site_url(reverse("guides:detail", args=[self.context["company"].slug, guide.slug]))


class SourceSerializer(serializers.Serializer):
    """An open dataset some fact came from: its licence, and the attribution it asks for."""

    name = serializers.CharField()
    homepage = serializers.CharField()
    licence = serializers.CharField()
    licence_url = serializers.CharField()
    attribution = serializers.CharField()
    licence_text = serializers.CharField()


class CompanyDetailSerializer(CompanySerializer):
    """A company with every active channel, its published guides, and the provenance of each fact."""

    channels = ChannelSerializer(many=True, source="active_channels")
    guides = GuideSerializer(many=True, source="guides.all")
    provenance = ProvenanceSerializer(many=True, source="facts")
    sources = serializers.SerializerMethodField()
    licence = serializers.SerializerMethodField()

    class Meta(CompanySerializer.Meta):
        fields = [*CompanySerializer.Meta.fields, "channels", "guides", "provenance", "sources", "licence"]

    def get_sources(self, company):
        return {source.key: SourceSerializer(source).data for source in company.sources}

    def get_licence(self, company):
        return (
            "Facts imported from an open dataset keep that dataset's licence: see each fact's "
            "provenance and `sources` for the attribution it asks for."
        )


class CompanyRefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Company
        fields = ["slug", "name", "url"]

    def get_url(self, company):
        return api_company_url(company.slug)


def change_rows(change):
    """[{field, label, before, after, before_text, after_text}] of a ChannelChange, in the
    channel's field order, with each value as stored and as a person reads it."""
    order = list(FIELD_LABELS)
    fields = sorted(change.changes, key=lambda f: order.index(f) if f in order else len(order))
    return [
        {
            "field": field,
            "label": FIELD_LABELS.get(field, field),
            "before": change.changes[field][0],
            "after": change.changes[field][1],
            "before_text": "\n".join(describe(field, change.changes[field][0])),
            "after_text": "\n".join(describe(field, change.changes[field][1])),
        }
        for field in fields
    ]


class EventSerializer(serializers.Serializer):
    """One event of the changes feed (api/changes.py): an (at, type, row) triple."""

    def to_representation(self, event):
        at, kind, row = event
        data = {
            "cursor": cursors.encode("changes", changes.cursor_keys(event)),
            "type": kind,
            "at": serializers.DateTimeField().to_representation(at),
        }
        if kind == published.COMPANY_ADDED:
            data["company"] = CompanyRefSerializer(row).data
        elif kind == published.CHANNEL_CHANGED:
            channel = row.channel
            data["company"] = CompanyRefSerializer(channel.company).data
            data["channel"] = {"id": channel.pk, "kind": channel.kind, "department": channel.department}
            data["summary"] = row.summary
            data["changes"] = change_rows(row)
        else:
            guide = row.guide
            data["company"] = CompanyRefSerializer(guide.company).data
            data["guide"] = {"slug": guide.slug, "kind": guide.kind, "title": row.title}
            data["revision"] = row.revision_number
            data["summary"] = row.summary
        return data


class LookupSerializer(CompanySerializer):
    owns_domain = serializers.BooleanField()

    class Meta(CompanySerializer.Meta):
        fields = [*CompanySerializer.Meta.fields, "owns_domain"]
