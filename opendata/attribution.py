"""What readers are told about where imported facts come from."""

from .models import Provenance


def attach_provenance(channels):
    """Sets `attributions` (a list of "From …, licence, checked …" lines) on each channel, in one query."""
    lines = {}
    for fact in Provenance.objects.filter(channel__in=[c.pk for c in channels], vanished_at=None).order_by(
        "source"
    ):
        lines.setdefault(fact.channel_id, []).append(fact.attribution())
    for channel in channels:
        channel.attributions = lines.get(channel.pk, [])


def export_provenance(companies):
    """Where each imported fact of these companies came from, for the export (directory.exports):
    ({company pk: [provenance]}, {channel pk: [provenance]}), in one query. Facts a dataset no
    longer lists keep theirs: what was taken from it stays under its licence."""
    by_company, by_channel = {}, {}
    facts = Provenance.objects.filter(company__in=[c.pk for c in companies], guide=None).order_by(
        "source", "record_id", "key"
    )
    for fact in facts:
        entry = {
            "source": fact.source,
            "record_id": fact.record_id,
            "licence": fact.licence,
            "retrieved": fact.retrieved.isoformat(),
            "source_urls": fact.source_urls,
        }
        if fact.channel_id is None:
            by_company.setdefault(fact.company_id, []).append(entry)
        else:
            by_channel.setdefault(fact.channel_id, []).append(entry)
    return by_company, by_channel
