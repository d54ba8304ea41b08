import json

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from core.batching import batch
from directory.models import Company
from guides.models import Guide

SAMPLE_DIRECTORY = settings.BASE_DIR / "fixtures" / "sample_directory.jsonl"
SAMPLE_GUIDES = settings.BASE_DIR / "fixtures" / "sample_guides.json"


class Command(BaseCommand):
    help = "Loads the fictional sample companies, channels and guides. Safe to run again."

    def handle(self, **options):
        call_command("import_directory", str(SAMPLE_DIRECTORY), no_progress=True, stdout=self.stdout)
        with transaction.atomic(), batch():
            created = 0
            for data in json.loads(SAMPLE_GUIDES.read_text(encoding="utf-8")):
                company = Company.objects.get(slug=data.pop("company"))
                guide, was_created = Guide.objects.update_or_create(
                    company=company, slug=data.pop("slug"), defaults=data
                )
                created += was_created
                if not guide.revisions.exists():
                    content = {field: getattr(guide, field) for field in Guide.CONTENT_FIELDS}
                    guide.save_revision(None, content, "Sample guide", publish=True)
        self.stdout.write(f"guides: {created} created")
