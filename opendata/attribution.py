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
