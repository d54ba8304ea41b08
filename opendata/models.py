"""Where imported facts come from, and what each import run did."""

from django.db import models

from directory.models import Company, ContactChannel
from guides.models import Guide

from .sources import SOURCES

SOURCE_CHOICES = [(key, source.name) for key, source in SOURCES.items()]


class ImportRun(models.Model):
    """One run of `import_open_data`: what it did, and why it turned each rejected fact away."""

    source = models.CharField(max_length=20, choices=SOURCE_CHOICES)
    path = models.CharField(max_length=1000)
    retrieved = models.DateField(help_text="When the dataset was taken from its source.")
    started = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    rejections = models.JSONField(
        default=list, blank=True, help_text="[{file, record, field, reason}] of everything turned away."
    )
    review = models.JSONField(
        default=list, blank=True, help_text="Records matching a company by name only, in another country."
    )
    error = models.TextField(blank=True, help_text="Why the run stopped early, if it did.")

    class Meta:
        ordering = ["-started"]

    def __str__(self):
        return f"{self.get_source_display()} import of {self.started:%Y-%m-%d %H:%M}"


class Provenance(models.Model):
    """One imported fact: a company's details, a channel or a guide, from one record of one dataset.

    `imported` is the fact as the dataset last gave it. A later import compares the
    dataset, the fact as imported and the fact as it is now: what nobody touched follows
    the dataset; what a person changed or checked since gets a correction to review.
    """

    source = models.CharField(max_length=20, choices=SOURCE_CHOICES)
    record_id = models.CharField(max_length=300)
    key = models.CharField(
        max_length=60, help_text='What fact of the record: "company", "channel:phone", ...'
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="provenance")
    channel = models.ForeignKey(
        ContactChannel, null=True, blank=True, on_delete=models.CASCADE, related_name="provenance"
    )
    guide = models.ForeignKey(
        Guide, null=True, blank=True, on_delete=models.CASCADE, related_name="provenance"
    )
    licence = models.CharField(max_length=40)
    retrieved = models.DateField()
    source_urls = models.JSONField(default=list, blank=True)
    imported = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField()
    proposed = models.JSONField(
        null=True, blank=True, help_text="The last change of the dataset filed for review instead of applied."
    )
    vanished_at = models.DateTimeField(
        null=True, blank=True, help_text="When the dataset stopped listing it."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "record_id", "key"], name="provenance_one_per_fact"),
        ]
        indexes = [models.Index(fields=["channel"], name="provenance_channel")]

    def __str__(self):
        return f"{self.source}:{self.record_id} {self.key}"

    @property
    def source_info(self):
        return SOURCES[self.source]

    def attribution(self):
        """ "From the Datenanfragen.de database, CC0 1.0, checked 21 Jul 2026" """
        return f"From {self.source_info.short_name}, {self.licence}, checked {self.retrieved:%-d %b %Y}"
